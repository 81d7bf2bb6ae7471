import Testing

@testable import LabData

/// Column names normalised and mapped to bar fields.
@Suite struct ColumnMappingTests {
    @Test func asciiNamesNormaliseAsTheUnicodeRuleDoes() {
        let names = ["Adj Close", "TIME_STAMP", "a.b-c d", "Open", "VOLUME", "x\r\ny", "", "Ünïcode Close", "ÀDJ_CLÖSE", "close"]
        for name in names {
            #expect(ColumnMapping.normalize(name) == String(name.lowercased().filter { !" _-.".contains($0) }), "\(name)")
        }
        #expect(ColumnMapping.normalize("Adj Close") == "adjclose")
        #expect(ColumnMapping.column(for: .close, in: ["Date", "Adj Close", "Close"]) == "Close")
        #expect(ColumnMapping.column(for: .timestamp, in: ["Date", "Adj Close", "Close"]) == "Date")
    }
}
