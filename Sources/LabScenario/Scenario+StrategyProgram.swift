import LabSignals
import Yams

extension Scenario {
    /// A strategy written in the strategy language (`strategy: {params, let, rules | target,
    /// confidence, reentry}`), parsed and type-checked here, before any data is read. A mistake inside an
    /// expression is reported at its line and column in the file, with the expression and a caret.
    static func parseProgram(_ m: MappingReader, at node: YAMLNode) throws -> StrategySpec {
        var (parameters, lets, nodes) = try parseParamsAndLets(m)
        var rules: [RuleKind: StrategyProgram.Source] = [:]
        var target: StrategyProgram.Source?
        if let t = m.optional("target") {
            if let r = m.optional("rules") { throw r.error("a strategy takes target: or rules:, not both") }
            target = .init(key: "target", text: try t.string())
            nodes["target"] = t
        } else {
            let rm = try m.required("rules").mapping()
            for rule in RuleKind.allCases {
                guard let v = rm.optional(rule.rawValue) else { continue }
                rules[rule] = .init(key: "rules.\(rule.rawValue)", text: try v.string())
                nodes["rules.\(rule.rawValue)"] = v
            }
            try rm.finish()
        }
        var confidence: StrategyProgram.Source?
        if let c = m.optional("confidence") {
            confidence = .init(key: "confidence", text: try c.string())
            nodes["confidence"] = c
        }
        var reentry = Reentry.hold
        if let r = m.optional("reentry") {
            if target != nil { throw r.error("reentry applies to rules; a target sets the position itself") }
            guard let value = Reentry(rawValue: try r.string()) else {
                throw r.error("expected \(Reentry.allCases.map(\.rawValue).joined(separator: " or ")), got \(r.described())")
            }
            reentry = value
        }
        try m.finish()
        do {
            return StrategySpec(
                program: try StrategyProgram(
                    parameters: parameters, lets: lets, rules: rules, target: target, confidence: confidence, reentry: reentry))
        } catch {
            throw programError(error, nodes: nodes, under: node)
        }
    }

    /// `params:` (numbers) and `let:` (named expressions) of a program — a strategy's, or a
    /// universe portfolio's weights —, with the node of each key (`params.fast`, `let.trend`) for
    /// placing errors.
    static func parseParamsAndLets(_ m: MappingReader) throws -> (
        parameters: [StrategyProgram.Parameter], lets: [(name: String, source: StrategyProgram.Source)], nodes: [String: YAMLNode]
    ) {
        var nodes: [String: YAMLNode] = [:]
        var parameters: [StrategyProgram.Parameter] = []
        if let p = m.optional("params") {
            let pm = try p.mapping()
            for key in pm.keys {
                let v = try pm.required(key)
                parameters.append(.init(name: key, value: try v.number(-1e15...1e15, "a number")))
                nodes["params.\(key)"] = v
            }
            try pm.finish()
        }
        var lets: [(name: String, source: StrategyProgram.Source)] = []
        if let l = m.optional("let") {
            let lm = try l.mapping()
            for key in lm.keys {
                let v = try lm.required(key)
                lets.append((key, .init(key: "let.\(key)", text: try v.string())))
                nodes["let.\(key)"] = v
            }
            try lm.finish()
        }
        return (parameters, lets, nodes)
    }

    /// A program's mistake as a scenario error at the node of its key below `node` (line and
    /// column of the character inside the expression, with the expression and a caret).
    static func programError(_ error: StrategyProgram.Failure, nodes: [String: YAMLNode], under node: YAMLNode) -> ScenarioError {
        let at = nodes[error.key] ?? node
        let path = node.path + "." + error.key
        guard let text = error.text else {
            return ScenarioError.invalid(file: at.file, line: at.line, column: at.column, path: path, reason: error.error.reason)
        }
        let (line, column) = at.place(ofOffset: error.error.offset, in: text)
        return ScenarioError.expression(
            file: at.file, line: line, column: column, path: path, reason: error.error.reason, excerpt: error.error.render(source: text))
    }
}

extension YAMLNode {
    /// Line of the node in its file (1-based; 0 when unknown).
    var line: Int { node.mark?.line ?? 0 }
    /// Column of the node in its file (1-based; 0 when unknown).
    var column: Int { node.mark?.column ?? 0 }

    /// The line and column of character `offset` of this scalar's text: exact for a scalar written
    /// on one line (plain or quoted); for a block scalar or one folded over lines, the scalar's own
    /// place (the caret under the expression still points at the character).
    func place(ofOffset offset: Int, in text: String) -> (line: Int, column: Int) {
        guard let scalar = node.scalar, !text.contains("\n") else { return (line, column) }
        switch scalar.style {
        case .plain: return (line, column + offset)
        case .singleQuoted, .doubleQuoted: return (line, column + 1 + offset)
        default: return (line, column)
        }
    }
}
