import Foundation

/// The committed fixtures (Fixtures/README.md).
enum Fixture {
    static func url(_ name: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    static func json(_ name: String) -> [String: Any] {
        try! JSONSerialization.jsonObject(with: Data(contentsOf: url(name))) as! [String: Any]
    }

    /// returns.csv: the benchmark and the 20 strategies' columns.
    static let returns: (benchmark: [Double], models: [[Double]]) = {
        let lines = try! String(contentsOf: url("returns.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        let rows = lines.map { $0.split(separator: ",").map { Double($0)! } }
        let models = (1..<rows[0].count).map { k in rows.map { $0[k] } }
        return (rows.map { $0[0] }, models)
    }()
}

/// `|a − b| ≤ tolerance · max(1, |b|)`.
func close(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(b))
}

/// Numbers from a JSON array.
func doubles(_ any: Any?) -> [Double] { (any as! [Any]).map { ($0 as! NSNumber).doubleValue } }
