/// The answer for a request no template covers. It is honest: valid Python that says it is a
/// stand-in, not a pretend solution. With a prompt that tolerates placeholders it carries a TODO,
/// which is exactly the kind of output the rules and the judge should push the optimizer to fix.
enum FallbackTemplate {
    static func module(_ name: String, request: String) -> PythonModule {
        let topic = summarised(request)
        let function = PythonFunction(
            name: name, parameters: [PythonParameter("data", "dict[str, Any]", "The input values the task works on.")],
            returnType: "dict[str, Any]",
            summary: "Entry point for: \(topic).",
            returnsDoc: "A result record with the input echoed and a status field.",
            raisesDoc: ["TypeError: If data is not a dict."],
            validation: [
                "if not isinstance(data, dict):",
                "    raise TypeError(f\"data must be a dict, got {type(data).__name__}\")",
            ],
            body: [
                "# The simulated provider has no template for this request; it returns a structured record.",
                "return {\"status\": \"unsupported\", \"task\": \(pythonLiteral(topic)), \"input\": dict(data)}",
            ]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)({'x': 1})['status']", "'unsupported'")],
            invalidCalls: [.init("\(name)(None)", raises: "TypeError")],
            summary: "The simulated provider has no template for this request, so this is only a minimal, valid starting point.",
            todo: "implement the actual logic for this request"
        )
    }

    /// The request on one line, short enough for a docstring and free of characters that would end it.
    private static func summarised(_ request: String) -> String {
        let oneLine = request.split(whereSeparator: \.isNewline).joined(separator: " ")
        var cleaned = String(oneLine.filter { $0 != "\"" && $0 != "\\" && $0 != "'" }.prefix(80))
        while let last = cleaned.last, ".!?: ".contains(last) { cleaned.removeLast() }
        return cleaned.isEmpty ? "the requested task" : cleaned
    }

    private static func pythonLiteral(_ text: String) -> String {
        "\"" + text + "\""
    }
}
