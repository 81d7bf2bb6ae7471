// swift-tools-version:6.0
// A Swift user's own models, without forking the lab: a slippage model and a strategy registered
// beside the built-ins, then a scenario that names them run through the lab's own runner.
// Built and run by the lab's test suite (Tests/GslabTests/ExamplesTests.swift).
import PackageDescription

let package = Package(
    name: "CustomModels",
    dependencies: [.package(name: "GoldenSignalsLab", path: "../..")],
    targets: [
        .executableTarget(
            name: "custom-models",
            dependencies: [
                .product(name: "LabCore", package: "GoldenSignalsLab"), .product(name: "LabSignals", package: "GoldenSignalsLab"),
                .product(name: "LabExecution", package: "GoldenSignalsLab"), .product(name: "LabScenario", package: "GoldenSignalsLab"),
            ]
        )
    ]
)
