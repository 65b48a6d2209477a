/// A small model of the Python the simulated provider writes. Templates describe *what* the code
/// does once; `PythonRenderer` decides per prompt whether docstrings, type hints, validation,
/// examples and tests appear, so instruction-following is one mechanism, not one per template.
struct PythonModule: Sendable {
    var imports: [String] = []
    /// Module-level statements after the imports (shared state such as an in-memory store).
    var globals: [String] = []
    var definitions: [PythonDefinition]
    /// The name the user asked for (or the template's default): examples and tests exercise it.
    var primaryName: String
    /// A usage example; each step's `result` is the exact `repr` Python prints for it.
    var examples: [PythonExampleStep]
    /// Calls that must raise once input validation is asked for; tests check them.
    var invalidCalls: [PythonInvalidCall] = []
    /// The one sentence that precedes the code block.
    var summary: String
    /// Why a fallback is only a stand-in; rendered as a TODO when placeholders are tolerated.
    var todo: String?
}

enum PythonDefinition: Sendable {
    case function(PythonFunction)
    case `class`(PythonClass)
}

struct PythonParameter: Sendable {
    var name: String
    var type: String
    var doc: String
    var defaultValue: String?

    init(_ name: String, _ type: String, _ doc: String, default defaultValue: String? = nil) {
        self.name = name
        self.type = type
        self.doc = doc
        self.defaultValue = defaultValue
    }
}

struct PythonFunction: Sendable {
    var name: String
    var parameters: [PythonParameter]
    var returnType: String
    var summary: String
    var returnsDoc: String?
    /// "ValueError: If n is negative." lines for the docstring, shown with validation only.
    var raisesDoc: [String] = []
    /// Guard lines run first, emitted only when validation is asked for.
    var validation: [String] = []
    /// The implementation. `⟪…⟫` marks an annotation kept only when type hints are asked for;
    /// a line starting with `⟨v⟩` is error handling kept only when validation is asked for.
    var body: [String]
}

struct PythonClass: Sendable {
    var name: String
    var base: String?
    var summary: String
    var methods: [PythonFunction]
}

struct PythonExampleStep: Sendable {
    var code: String
    var result: String?

    init(_ code: String, _ result: String? = nil) {
        self.code = code
        self.result = result
    }
}

struct PythonInvalidCall: Sendable {
    var code: String
    var error: String

    init(_ code: String, raises error: String) {
        self.code = code
        self.error = error
    }
}
