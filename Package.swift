// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "GoldenSignalsLab",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gslab", targets: ["gslab"]),
        .library(name: "LabCore", targets: ["LabCore"]),
        .library(name: "LabData", targets: ["LabData"]),
        .library(name: "LabStress", targets: ["LabStress"]),
        .library(name: "LabSignals", targets: ["LabSignals"]),
        .library(name: "LabExecution", targets: ["LabExecution"]),
        .library(name: "LabMetrics", targets: ["LabMetrics"]),
        .library(name: "LabBacktest", targets: ["LabBacktest"]),
        .library(name: "LabRobustness", targets: ["LabRobustness"]),
        .library(name: "LabScenario", targets: ["LabScenario"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
    ],
    targets: [
        // MARK: Native libraries (installed by scripts/setup)
        .systemLibrary(
            name: "CHDF5",
            pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"])]
        ),
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),

        // MARK: Pipeline modules
        .target(name: "CVectorMath"),
        .target(name: "LabCore", dependencies: ["CVectorMath"]),
        .target(
            name: "LabData",
            dependencies: ["LabCore", "CHDF5", .product(name: "SwiftCSV", package: "SwiftCSV")]
        ),
        .target(name: "LabStress", dependencies: ["LabCore", "COpenBLAS"]),
        .target(name: "LabSignals", dependencies: ["LabCore", "CVectorMath"]),
        .target(name: "LabExecution", dependencies: ["LabCore", "COpenBLAS", "CVectorMath"]),
        .target(name: "LabMetrics", dependencies: ["LabCore"]),
        .target(name: "LabBacktest", dependencies: ["LabCore", "LabSignals", "LabExecution", "LabMetrics"]),
        .target(name: "LabRobustness", dependencies: ["LabCore", "LabStress"]),
        .target(name: "LabReport", dependencies: ["LabCore", "LabStress", "LabSignals", "LabMetrics", "LabRobustness"]),
        .target(
            name: "LabScenario",
            dependencies: [
                "LabCore", "LabData", "LabStress", "LabSignals", "LabExecution", "LabMetrics", "LabBacktest", "LabRobustness", "LabReport",
                .product(name: "Yams", package: "Yams"), .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),

        // MARK: Command-line interface (thin)
        .executableTarget(
            name: "gslab",
            dependencies: [
                "LabCore", "LabData", "LabStress", "LabSignals", "LabExecution", "LabMetrics", "LabBacktest", "LabReport", "LabScenario",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: Fuzzing (scripts/fuzz builds it with AddressSanitizer; scripts/test runs it)
        .executableTarget(name: "fuzz-hdf5-reader", dependencies: ["LabData", "LabCore", "CHDF5"], path: "Fuzz/HDF5Reader"),

        // MARK: Tests (one target per module)
        .testTarget(name: "NativeLibrariesTests", dependencies: ["CHDF5", "COpenBLAS"]),
        .testTarget(name: "LabCoreTests", dependencies: ["LabCore", "CVectorMath"]),
        .testTarget(
            name: "LabDataTests",
            dependencies: ["LabData", "LabCore", "CHDF5"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "LabStressTests", dependencies: ["LabStress", "LabCore", "LabData"]),
        .testTarget(name: "LabSignalsTests", dependencies: ["LabSignals", "LabExecution", "LabCore"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "LabExecutionTests", dependencies: ["LabExecution", "LabMetrics", "LabCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LabMetricsTests", dependencies: ["LabMetrics", "LabCore", "LabRobustness"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LabBacktestTests", dependencies: ["LabBacktest", "LabSignals", "LabExecution", "LabMetrics", "LabCore", "LabData"]),
        .testTarget(name: "LabRobustnessTests", dependencies: ["LabRobustness", "LabCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LabReportTests", dependencies: ["LabReport", "LabStress", "LabMetrics", "LabSignals", "LabCore"]),
        .testTarget(
            name: "LabScenarioTests", dependencies: ["LabScenario", "LabReport", "LabSignals", "LabExecution", "LabMetrics", "LabCore", "LabData"],
            exclude: ["Golden"], resources: [.copy("Fixtures")]),
        .testTarget(name: "GslabTests", dependencies: ["gslab", "LabData", "LabCore", .product(name: "Yams", package: "Yams")]),
    ]
)
