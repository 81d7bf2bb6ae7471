// swift-tools-version:6.0
// Benchmarks live in their own package so nothing here reaches the product's dependency graph.
import PackageDescription

let package = Package(
    name: "GoldenSignalsLabBenchmarks",
    dependencies: [.package(name: "GoldenSignalsLab", path: "..")],
    targets: [
        .executableTarget(
            name: "gslab-bench",
            dependencies: [
                .product(name: "LabData", package: "GoldenSignalsLab"), .product(name: "LabCore", package: "GoldenSignalsLab"),
                .product(name: "LabStress", package: "GoldenSignalsLab"), .product(name: "LabExecution", package: "GoldenSignalsLab"),
                .product(name: "LabSignals", package: "GoldenSignalsLab"), .product(name: "LabMetrics", package: "GoldenSignalsLab"),
                .product(name: "LabBacktest", package: "GoldenSignalsLab"), .product(name: "LabScenario", package: "GoldenSignalsLab"),
                .product(name: "LabRobustness", package: "GoldenSignalsLab"),
            ]
        )
    ]
)
