// swift-tools-version:6.0
// Benchmarks live in their own package so nothing here reaches the product's dependency graph.
import PackageDescription

let package = Package(
    name: "GoldenSignalsLabBenchmarks",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "gslab-bench",
            dependencies: [
                .product(name: "LabData", package: "main"), .product(name: "LabCore", package: "main"),
                .product(name: "LabStress", package: "main"), .product(name: "LabExecution", package: "main"),
                .product(name: "LabSignals", package: "main"), .product(name: "LabMetrics", package: "main"),
                .product(name: "LabScenario", package: "main"),
            ]
        )
    ]
)
