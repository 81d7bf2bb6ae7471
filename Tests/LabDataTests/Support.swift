import Foundation
import LabCore

@testable import LabData

/// Paths of committed fixtures and a scratch folder per test.
enum Fixture {
    static func path(_ name: String) -> String {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }

    /// A new empty folder under the system temporary directory.
    static func scratch() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gslab-tests-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// GOOG_daily.csv parsed independently of CSVImport (plain string splitting), as the expected values.
    static let googRows: [(date: String, open: Double, high: Double, low: Double, close: Double, volume: Double)] = {
        let text = try! String(contentsOfFile: path("GOOG_daily.csv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return (f[0], Double(f[1])!, Double(f[2])!, Double(f[3])!, Double(f[4])!, Double(f[5])!)
        }
    }()

    static func midnightUTC(_ date: String) -> Int64 { CivilTime.parseISO8601(Substring(date))! }

    /// Writes a group with raw datasets through the low-level wrapper (for malformed-file tests).
    static func writeRaw(_ path: String, symbol: String = "X", _ build: (HDF5Group) throws -> Void) throws {
        let file = try HDF5File.create(path)
        let group = try file.root.createGroup(symbol)
        try build(group)
        try file.flush()
    }
}

/// Makes series for tests: a clean daily NYSE series from synthetic data.
func cleanDaily(_ bars: Int = 300, seed: UInt64 = 1) throws -> BarSeries {
    try SyntheticBars.daily(symbol: "SYN", startDay: CivilTime.daysFromCivil(year: 2020, month: 1, day: 2), bars: bars, seed: seed)
}
