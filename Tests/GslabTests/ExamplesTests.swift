import Foundation
import Testing

/// Examples/CustomModels — a Swift package of a user's own slippage model and strategy,
/// registered beside the built-ins — builds against this checkout and runs a scenario naming
/// them (as swift-argument-parser tests its Examples/).
@Suite struct ExamplesTests {
    @Test(.timeLimit(.minutes(20))) func customModelsBuildAndRun() throws {
        let example = Run.repository + "/Examples/CustomModels"
        let swift = "/usr/bin/env"
        var build = try Run(executable: swift, arguments: ["swift", "build", "--quiet", "--package-path", example], directory: example)
        if build.status != 0 {
            // SwiftPM keeps the example's build plan when a file of the lab (its path dependency)
            // is added, moved or removed since the last build ("missing inputs", or a type not in
            // scope); a fresh plan is one more build (a fresh clone never has one to keep). A real
            // error fails this second build as well.
            try? FileManager.default.removeItem(atPath: example + "/.build/debug.yaml")
            build = try Run(executable: swift, arguments: ["swift", "build", "--quiet", "--package-path", example], directory: example)
        }
        try #require(build.status == 0, "swift build of Examples/CustomModels: \(build.stderr.suffix(2000)) \(build.stdout.suffix(2000))")
        let bin = try Run(executable: swift, arguments: ["swift", "build", "--package-path", example, "--show-bin-path"], directory: example)
        let run = try Run(
            executable: bin.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + "/custom-models", arguments: ["scenario.yaml"], directory: example)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        // The headline is the declared lookback 40 (in the grid); the user's slippage was charged.
        #expect(lines.first?.hasPrefix("headline job 1 lookback=40 (declared)") == true, "\(run.stdout)")
        let slippage = lines.first { $0.hasPrefix("Slippage [$] ") }.flatMap { Double($0.split(separator: " ").last!) }
        #expect((slippage ?? 0) > 0)
        #expect(lines.contains("combinations 3"))
    }
}
