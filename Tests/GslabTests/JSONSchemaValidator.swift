import Foundation

/// A JSON document as decoded, keeping integers apart from other numbers and booleans apart from
/// both (what JSON Schema's `type` distinguishes).
indirect enum JSONValue: Decodable, Equatable {
    case object([String: JSONValue]), array([JSONValue]), string(String), integer(Int64), number(Double), bool(Bool), null

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int64.self) {
            self = .integer(i)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    static func parse(_ data: Data) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: data) }
}

/// The part of JSON Schema (draft 2020-12) the lab's schemas use: `$ref` into `$defs`, `type`,
/// `properties`, `required`, `additionalProperties` (false or a schema), `items`, `enum`, `const`,
/// `pattern`, `minimum`, `minItems`, `maxItems`, `oneOf`, `anyOf`; annotations (`title`,
/// `description`, `$id`, `$schema`) are skipped. Any other keyword is reported as unsupported, so a
/// schema cannot pass by using a keyword this checker would ignore.
struct JSONSchemaValidator {
    let root: JSONValue
    static let annotations: Set<String> = ["title", "description", "$id", "$schema", "$defs"]
    static let keywords: Set<String> = [
        "$ref", "type", "properties", "required", "additionalProperties", "items", "enum", "const", "pattern", "minimum", "minItems",
        "maxItems", "oneOf", "anyOf",
    ]

    /// Every violation of `value`, as `path: what` (empty when it conforms).
    func errors(_ value: JSONValue) -> [String] {
        var out: [String] = []
        check(value, against: root, at: "$", into: &out)
        return out
    }

    private func resolve(_ ref: String) -> JSONValue? {
        guard ref.hasPrefix("#/$defs/"), case let .object(top) = root, case let .object(defs)? = top["$defs"] else { return nil }
        return defs[String(ref.dropFirst("#/$defs/".count))]
    }

    private func check(_ value: JSONValue, against schema: JSONValue, at path: String, into out: inout [String]) {
        guard case let .object(s) = schema else { return out.append("\(path): schema is not an object") }
        for key in s.keys.sorted() where !Self.keywords.contains(key) && !Self.annotations.contains(key) {
            out.append("\(path): unsupported schema keyword \(key)")
        }
        if case let .string(ref)? = s["$ref"] {
            guard let target = resolve(ref) else { return out.append("\(path): unresolved $ref \(ref)") }
            check(value, against: target, at: path, into: &out)
        }
        if case let .string(type)? = s["type"], !Self.matches(value, type) { out.append("\(path): expected \(type), got \(Self.kind(value))") }
        if case let .array(options)? = s["enum"], !options.contains(value) { out.append("\(path): \(Self.kind(value)) not in the enum") }
        if let constant = s["const"], constant != value { out.append("\(path): not the constant") }
        if case let .string(pattern)? = s["pattern"], case let .string(text) = value,
            text.range(of: pattern, options: .regularExpression) == nil
        {
            out.append("\(path): \"\(text)\" does not match \(pattern)")
        }
        if let minimum = s["minimum"].flatMap(Self.number), let v = Self.number(value), v < minimum { out.append("\(path): \(v) < \(minimum)") }
        for (key, keep) in [("oneOf", { (n: Int) in n == 1 }), ("anyOf", { (n: Int) in n >= 1 })] {
            guard case let .array(options)? = s[key] else { continue }
            let passing = options.filter { option in
                var sub: [String] = []
                check(value, against: option, at: path, into: &sub)
                return sub.isEmpty
            }.count
            if !keep(passing) { out.append("\(path): \(passing) of the \(key) alternatives match") }
        }
        if case let .object(members) = value {
            let properties: [String: JSONValue]
            if case let .object(p)? = s["properties"] { properties = p } else { properties = [:] }
            if case let .array(required)? = s["required"] {
                for case let .string(name) in required where members[name] == nil { out.append("\(path): missing \(name)") }
            }
            for name in members.keys.sorted() {
                if let sub = properties[name] {
                    check(members[name]!, against: sub, at: path + "." + name, into: &out)
                } else if let extra = s["additionalProperties"] {
                    if extra == .bool(false) {
                        out.append("\(path): unexpected key \(name)")
                    } else if case .object = extra {
                        check(members[name]!, against: extra, at: path + "." + name, into: &out)
                    }
                }
            }
        }
        if case let .array(items) = value {
            if case let .integer(n)? = s["minItems"], items.count < n { out.append("\(path): \(items.count) items < \(n)") }
            if case let .integer(n)? = s["maxItems"], items.count > n { out.append("\(path): \(items.count) items > \(n)") }
            if let itemSchema = s["items"] {
                for (i, item) in items.enumerated() { check(item, against: itemSchema, at: "\(path)[\(i)]", into: &out) }
            }
        }
    }

    private static func number(_ v: JSONValue) -> Double? {
        switch v {
        case let .integer(i): Double(i)
        case let .number(d): d
        default: nil
        }
    }

    private static func matches(_ v: JSONValue, _ type: String) -> Bool {
        switch (type, v) {
        case ("object", .object), ("array", .array), ("string", .string), ("integer", .integer), ("boolean", .bool), ("null", .null): true
        case ("number", .integer), ("number", .number): true
        default: false
        }
    }

    private static func kind(_ v: JSONValue) -> String {
        switch v {
        case .object: "object"
        case .array: "array"
        case let .string(s): "string \"\(s.prefix(40))\""
        case let .integer(i): "integer \(i)"
        case let .number(d): "number \(d)"
        case let .bool(b): "boolean \(b)"
        case .null: "null"
        }
    }
}
