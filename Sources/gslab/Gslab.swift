import ArgumentParser
import Foundation
import LabCore
import LabData
import LabScenario

/// `gslab`: the command-line interface. It parses arguments, calls the library modules and
/// prints; all logic lives in the libraries.
///
/// Exit status: 0 ok, 1 findings (data-quality errors), 2 invalid input, 3 internal error.
@main
struct Gslab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gslab",
        abstract: "GoldenSignals Lab: batch backtesting and stress testing.",
        version: Version.current,
        subcommands: [
            RunCommand.self, MergeCommand.self, ScenarioCommand.self, CheckCommand.self, BaselineCommand.self, ReportCommand.self, ConfigCommand.self,
            DatasetCommand.self,
            StressCommand.self,
            BacktestCommand.self,
        ]
    )

    /// Runs the command, turning every error into one line on stderr (and, for a mistake inside an
    /// expression, the expression and a caret under it) and the lab's exit status.
    static func main() {
        AllocatorTuning.keepLargeAllocationsInHeap()
        BLASThreads.useOne()
        if let refusal = ReadLimits.environmentRefusal {
            FileHandle.standardError.write(Data(("gslab: " + refusal + "\n").utf8))
            Foundation.exit(2)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as LabError {
            let excerpt = error.excerpt.map { $0 + "\n" } ?? ""
            FileHandle.standardError.write(Data(("gslab: " + error.description.oneLine + "\n" + excerpt).utf8))
            Foundation.exit(error.category.exitStatus)
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                self.exit(withError: error)  // --help, --version
            }
            var message = fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
            FileHandle.standardError.write(Data(("gslab: " + message + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Inspect, import, generate and validate HDF5 price datasets.",
        subcommands: [Inspect.self, Import.self, Synth.self, Validate.self]
    )
}

/// Writes text to standard output.
func emit(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}
