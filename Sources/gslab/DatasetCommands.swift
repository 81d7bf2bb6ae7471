import ArgumentParser
import Foundation
import LabCore
import LabData

extension DatasetCommand {
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the symbols of an HDF5 file: rows, first/last time, frequency, columns, layout.")

        @Argument(help: "HDF5 file (plain layout or written by pandas to_hdf).")
        var file: String

        @Flag(help: "Print JSON instead of a table.")
        var json = false

        func run() throws {
            let summaries = try SymbolSummary.inspect(file)
            if json {
                emit(String(decoding: try LabJSON.encode(summaries), as: UTF8.self))
                return
            }
            emit("\(file)\n")
            for s in summaries {
                guard !s.columnSources.isEmpty else {
                    emit(
                        """
                          \(s.symbol)  layout \(s.layout.rawValue)  rows \(s.rows)  \(s.first) … \(s.last)  no bar fields (a signals table: strategy.signals reads its columns)
                            columns: \(s.columns.joined(separator: ", "))

                        """)
                    continue
                }
                let mapping = BarField.allCases.compactMap { f in s.columnSources[f.rawValue].map { "\(f.rawValue)←\($0)" } }
                emit(
                    """
                      \(s.symbol)  layout \(s.layout.rawValue)  rows \(s.rows)  \(s.first) … \(s.last)  frequency \(s.frequency ?? "?")  timezone \(s.timezone)
                        columns: \(s.columns.joined(separator: ", "))
                        fields:  \(mapping.joined(separator: ", "))
                        close:   first \(s.firstClose)  last \(s.lastClose)

                    """)
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import", abstract: "Convert a CSV of OHLCV bars into the plain HDF5 layout.")

        @Argument(help: "CSV file with a header line (ISO dates or epoch numbers).")
        var csv: String

        @Option(help: "Symbol name for the imported bars.")
        var symbol: String

        @Option(help: "Output HDF5 file (replaced atomically).")
        var out: String

        @Option(help: "IANA time zone of the exchange; date-times without an offset are local to it.")
        var timezone = "UTC"

        @Option(help: "gzip level 0–9 for the datasets.")
        var gzip = 0

        func run() throws {
            let (series, sources) = try CSVImport.read(csv, symbol: symbol, timezone: timezone)
            try HDF5BarStore.write([series], to: out, options: HDF5WriteOptions(gzipLevel: gzip))
            let mapping = BarField.allCases.compactMap { f in sources[f].map { "\(f.rawValue)←\($0)" } }.joined(separator: ", ")
            emit("imported \(series.count) bars of \(symbol) from \(csv) into \(out) (\(mapping))\n")
        }
    }

    struct Synth: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate seeded synthetic bars (geometric Brownian motion) into the plain HDF5 layout.")

        enum Kind: String, ExpressibleByArgument, CaseIterable { case daily, intraday }

        @Option(help: "daily (NYSE trading days) or intraday (NYSE minute bars with a volume profile).")
        var kind: Kind = .daily

        @Option(
            help:
                "Comma-separated symbols (symbol k draws from random stream k of the seed), or a number N: a universe of N daily symbols from a factor model with listings, delistings, halts and sectors."
        )
        var symbols = "SYN"

        @Option(help: "Bars per symbol (default: 2520 daily bars, or the bars of --days sessions); not with --days.")
        var bars: Int?

        @Option(help: "Trading days per symbol (default: 20 sessions for intraday); not with --bars.")
        var days: Int?

        @Option(help: "First date, YYYY-MM-DD (the first trading day on or after it is used).")
        var start = "2020-01-02"

        @Option(help: "Random seed.")
        var seed: UInt64 = 42

        @Option(help: "Annual volatility (fraction).")
        var volatility = 0.25

        @Option(help: "Annual drift (fraction).")
        var drift = 0.05

        @Option(help: "Initial price.")
        var price = 100.0

        @Option(help: "gzip level 0–9.")
        var gzip = 0

        @Option(help: "Output HDF5 file (replaced atomically).")
        var out: String

        func run() throws {
            let startTime: Int64
            switch CivilTime.parseISO8601Checked(Substring(start)) {
            case let .success(t): startTime = t
            case let .failure(failure): throw LabDataError.invalidParameter(owner: "synth", field: "start", reason: failure.reason(start))
            }
            if let count = Int(symbols) {
                guard kind == .daily else {
                    throw LabDataError.invalidParameter(owner: "synth", field: "kind", reason: "a universe (--symbols \(count)) is daily")
                }
                if bars != nil && days != nil {
                    throw LabDataError.invalidParameter(owner: "synth", field: "bars", reason: "give --bars or --days, not both")
                }
                let series = try SyntheticUniverse.make(symbols: count, days: bars ?? days ?? 2520, startDay: CivilTime.dayNumber(startTime), seed: seed)
                try HDF5BarStore.write(series, to: out, options: HDF5WriteOptions(gzipLevel: gzip))
                emit("wrote a universe of \(count) symbols (\(series.reduce(0) { $0 + $1.count }) bars) to \(out)\n")
                return
            }
            let names = symbols.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            guard !names.isEmpty, !names.contains("") else {
                throw LabDataError.invalidParameter(owner: "synth", field: "symbols", reason: "expected comma-separated names, got \"\(symbols)\"")
            }
            let parameters = SyntheticBars.Parameters(drift: drift, volatility: volatility, initialPrice: price)
            if bars != nil && days != nil {
                throw LabDataError.invalidParameter(owner: "synth", field: "bars", reason: "give --bars or --days, not both")
            }
            let day = CivilTime.dayNumber(startTime)
            let series = try names.enumerated().map { k, name in
                switch kind {
                case .daily:
                    // A daily bar is a trading day: --days counts the same bars.
                    return try SyntheticBars.daily(
                        symbol: name, startDay: day, bars: bars ?? days ?? 2520, parameters: parameters, seed: seed, stream: k)
                case .intraday:
                    guard let bars else {
                        return try SyntheticBars.intraday(
                            symbol: name, startDay: day, days: days ?? 20, parameters: parameters, seed: seed, stream: k)
                    }
                    return try SyntheticBars.intraday(symbol: name, startDay: day, bars: bars, parameters: parameters, seed: seed, stream: k)
                }
            }
            try HDF5BarStore.write(series, to: out, options: HDF5WriteOptions(gzipLevel: gzip))
            emit("wrote \(series.map { "\($0.symbol) (\($0.count) bars)" }.joined(separator: ", ")) to \(out)\n")
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check bars for NaNs, bad OHLC, non-positive prices, timestamp order, gaps, stale runs and spikes.",
            discussion: "Exit status: 0 no error findings, 1 error findings, 2 bad input.")

        @Argument(help: "HDF5 file.")
        var file: String

        @Option(name: .customLong("symbol"), help: "Symbol to check (repeatable; all when omitted).")
        var symbols: [String] = []

        @Option(help: "Trading calendar for gaps: NYSE, NASDAQ, FX_24x5, CRYPTO_24x7 or CME_GLOBEX (inferred when omitted).")
        var calendar: String?

        @Flag(help: "Print the JSON report instead of a table.")
        var json = false

        @Option(help: "Also write the JSON report to this file (atomically).")
        var output: String?

        @Option(help: "Findings listed per symbol in the table.")
        var limit = 20

        func run() throws {
            var options = ValidationOptions()
            if let calendar {
                guard let c = TradingCalendar.named(calendar) else {
                    throw LabDataError.invalidParameter(owner: "validate", field: "calendar", reason: TradingCalendar.unknownNameReason(calendar))
                }
                options.calendar = c
            }
            let loaded = try HDF5BarStore.read(file, symbols: symbols.isEmpty ? nil : symbols)
            let reports = try loaded.map { try DataQuality.validate($0.series, options: options) }
            let document = ValidationDocument(
                file: file,
                symbols: zip(loaded, reports).map {
                    ValidationDocument.Entry(summary: SymbolSummary($0), report: $1)
                })
            let data = try LabJSON.encode(document)
            if let output {
                try AtomicFile.write(data, to: output)
            }
            if json {
                emit(String(decoding: data, as: UTF8.self))
            } else {
                for entry in document.symbols { emit(render(entry)) }
                if let output { emit("report written to \(output)\n") }
            }
            if reports.contains(where: { !$0.isClean }) { throw ExitCode(1) }
        }

        func render(_ entry: ValidationDocument.Entry) -> String {
            let r = entry.report, s = entry.summary
            var text = "\(file): \(s.symbol)  \(s.rows) bars  \(s.first) … \(s.last)  frequency \(s.frequency ?? "?")  calendar \(r.calendar)\n"
            text += "  close: first \(s.firstClose)  last \(s.lastClose)\n"
            text += "  quality score \(String(format: "%.2f", r.score)) / 100  (\(r.errorRows) rows with errors, \(r.warnings) warnings)\n"
            if r.counts.isEmpty {
                text += "  no findings\n"
            } else {
                for kind in r.counts.keys.sorted() {
                    text +=
                        "  \(kind.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0)) \(kind.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(r.counts[kind]!)\n"
                }
                for f in r.findings.prefix(limit) {
                    text += "    row \(f.row)  \(CivilTime.iso8601(f.timestamp))  \(f.column)  \(f.kind.rawValue): \(f.detail)\n"
                }
                if r.findings.count > limit { text += "    … \(r.findings.count - limit) more (use --json)\n" }
            }
            return text
        }
    }
}

/// The JSON document `gslab dataset validate` writes.
struct ValidationDocument: Codable {
    static let schemaVersion = 1
    var schema_version = ValidationDocument.schemaVersion
    let file: String
    let symbols: [Entry]

    struct Entry: Codable {
        let summary: SymbolSummary
        let report: DataQualityReport
    }
}
