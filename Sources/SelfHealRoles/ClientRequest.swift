public import SelfHealCore

/// Size limits on what clients send. Over a limit is a 413 naming the field.
public struct RequestLimits: Sendable {
    public var bodyBytes: Int
    public var userInputBytes: Int
    public var testsBytes: Int

    public static let defaults = RequestLimits(bodyBytes: 1 << 20, userInputBytes: 32 * 1024, testsBytes: 128 * 1024)

    public init(bodyBytes: Int, userInputBytes: Int, testsBytes: Int) {
        self.bodyBytes = bodyBytes
        self.userInputBytes = userInputBytes
        self.testsBytes = testsBytes
    }
}

/// A validated, refined `POST /api/v1/request` body.
public struct ClientRequest: Sendable, Equatable {
    public var userInput: String
    public var taskType: String
    public var language: String
    public var tests: String?
    public var entryPoint: String?

    public init(userInput: String, taskType: String, language: String, tests: String? = nil, entryPoint: String? = nil) {
        self.userInput = userInput
        self.taskType = taskType
        self.language = language
        self.tests = tests
        self.entryPoint = entryPoint
    }

    /// Validates every field, naming the one that is wrong, and refines the input. The HTTP
    /// edge has already read the fields as strings within their size limits.
    public static func validated(
        userInput rawInput: String, taskType: String?, language asked: String?, tests: String?, entryPoint: String?,
        taskTypes: TaskTypes
    ) throws(RoleError) -> ClientRequest {
        let userInput = InputRefinement.normalize(rawInput)
        guard !userInput.isEmpty else {
            throw .invalidField(field: "user_input", message: "must not be empty or only whitespace")
        }
        let taskType = taskType ?? TaskTypes.codeGeneration
        guard taskTypes.contains(taskType) else {
            throw .invalidField(field: "task_type", message: "unknown task type '\(taskType)'; known: \(taskTypes.known.joined(separator: ", "))")
        }
        var language = InputRefinement.detectLanguage(in: userInput) ?? InputRefinement.defaultLanguage
        if let asked {
            let normalized = asked.lowercased().trimmingCharacters()
            guard InputRefinement.isKnownLanguage(normalized) else {
                let known = InputRefinement.languages.map(\.name).joined(separator: ", ")
                throw .invalidField(field: "language", message: "unknown language '\(asked)'; known: \(known)")
            }
            language = normalized
        }
        return ClientRequest(
            userInput: userInput, taskType: taskType, language: language,
            tests: tests.flatMap { $0.isBlank ? nil : $0 }, entryPoint: try validEntryPoint(entryPoint)
        )
    }

    /// The `entry_point`, checked the same way by every route that takes one: it is pasted into
    /// the program that runs the tests, so anything but an identifier is refused.
    public static func validEntryPoint(_ entryPoint: String?) throws(RoleError) -> String? {
        if let entryPoint, !EntryPoint.isValid(entryPoint) {
            throw .invalidField(field: "entry_point", message: EntryPoint.requirement)
        }
        return entryPoint
    }
}
