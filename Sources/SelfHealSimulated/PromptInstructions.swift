/// What the simulated model has been told to include, read from the system prompt (and from the
/// user's own request) the way a literal-minded model would read it.
///
/// Keywords it reacts to (case-insensitive, whole words; `*` = any ending):
/// - docstrings: `docstring*`, `doc string*`, `document*`, `pydoc`, `doc comment*`
/// - type hints: `type hint*`, `type annotation*`, `annotat*`, `typed`, `typing`, `mypy`,
///   `static typ*`, `type signature*`
/// - validation / error handling: `validat*`, `error handling`, `handle error*`, `handle invalid`,
///   `invalid input*`, `edge case*`, `corner case*`, `raise*`, `exception*`, `defensive*`,
///   `robust*`, `sanitiz*`, `check input*`, `check argument*`
/// - examples: `example*`, `usage`, `doctest*`, `demo*`, `demonstrat*`
/// - tests: `test`, `tests`, `unit test*`, `unittest*`, `pytest`, `test case*`, `test function*`,
///   `assert*`
/// - no placeholders: `placeholder*`, `todo*`, `stub*`, `complete`, `completely`, `fully`,
///   `unfinished`, `incomplete`
///
/// A sentence that negates a keyword within the three words before it ("do not add type hints",
/// "without docstrings") does not switch the feature on. A sentence that makes it conditional on
/// the user ("when the user asks for tests, ...") leaves it to the request. Whatever the user's
/// request asks for explicitly ("with type hints", "include tests") is honoured too.
struct PromptInstructions: Sendable, Equatable {
    var docstrings: Bool
    var typeHints: Bool
    var validation: Bool
    var examples: Bool
    var tests: Bool
    var noPlaceholders: Bool

    enum Feature: CaseIterable {
        case docstrings, typeHints, validation, examples, tests, noPlaceholders

        var keywords: [String] {
            switch self {
            case .docstrings:
                ["docstring*", "doc string*", "document*", "pydoc", "doc comment*"]
            case .typeHints:
                ["type hint*", "type annotation*", "annotat*", "typed", "typing", "mypy", "static typ*", "type signature*"]
            case .validation:
                [
                    "validat*", "error handling", "handle error*", "handles error*", "handle invalid", "invalid input*",
                    "edge case*", "corner case*", "raise*", "exception*", "defensive*", "robust*", "sanitiz*",
                    "check input*", "check argument*",
                ]
            case .examples:
                ["example*", "usage", "doctest*", "demo*", "demonstrat*"]
            case .tests:
                ["test", "tests", "unit test*", "unittest*", "pytest", "test case*", "test function*", "assert*"]
            case .noPlaceholders:
                ["placeholder*", "todo*", "stub*", "complete", "completely", "fully", "unfinished", "incomplete"]
            }
        }

        /// "no placeholders" is itself a negative instruction, so negation does not cancel it.
        var readsNegation: Bool { self != .noPlaceholders }
    }

    init(systemPrompt: String, userRequest: String) {
        // Read once, then searched for each feature.
        let sentences = TextMatching.sentences(systemPrompt).map(TextMatching.words)
        let request = TextMatching.words(userRequest)
        func enabled(_ feature: Feature) -> Bool {
            Self.promptRequires(feature, sentences: sentences) || Self.requestAsks(feature, tokens: request)
        }
        docstrings = enabled(.docstrings)
        typeHints = enabled(.typeHints)
        validation = enabled(.validation)
        examples = enabled(.examples)
        tests = enabled(.tests)
        // Placeholders are a property of the prompt only: users rarely ask for them by name.
        noPlaceholders = Self.promptRequires(.noPlaceholders, sentences: sentences)
    }

    private static let negations: Set<String> = ["no", "not", "don", "dont", "never", "without", "avoid", "omit", "skip"]
    private static let conditionMarkers: Set<String> = ["if", "when", "whenever", "unless"]
    private static let askWords = ["ask*", "request*", "require*", "want*", "need*", "mention*"]

    /// Whether some sentence of the system prompt asks for `feature` unconditionally.
    static func promptRequires(_ feature: Feature, in prompt: String) -> Bool {
        promptRequires(feature, sentences: TextMatching.sentences(prompt).map(TextMatching.words))
    }

    /// The same, over the prompt's sentences as words.
    private static func promptRequires(_ feature: Feature, sentences: [[String]]) -> Bool {
        for tokens in sentences {
            for keyword in feature.keywords {
                guard let index = TextMatching.firstIndex(of: keyword, in: tokens) else { continue }
                if feature.readsNegation, tokens[max(0, index - 3)..<index].contains(where: negations.contains) { continue }
                let conditional = tokens.contains(where: conditionMarkers.contains)
                    && askWords.contains { TextMatching.firstIndex(of: $0, in: tokens) != nil }
                if conditional { continue }
                return true
            }
        }
        return false
    }

    /// Whether the user's request asks for `feature` (and does not refuse it).
    static func requestAsks(_ feature: Feature, in request: String) -> Bool {
        requestAsks(feature, tokens: TextMatching.words(request))
    }

    private static func requestAsks(_ feature: Feature, tokens: [String]) -> Bool {
        // "a function to test whether n is prime" is not a request for unit tests.
        let keywords = feature == .tests ? ["tests", "unit test*", "unittest*", "pytest", "test case*"] : feature.keywords
        for keyword in keywords {
            guard let index = TextMatching.firstIndex(of: keyword, in: tokens) else { continue }
            if tokens[max(0, index - 3)..<index].contains(where: negations.contains) { continue }
            return true
        }
        return false
    }

    /// The request words that signal the user wants examples or tests; the judge checks them too.
    static func requestWantsExamplesOrTests(_ request: String) -> Bool {
        requestAsks(.examples, in: request) || requestAsks(.tests, in: request)
    }
}
