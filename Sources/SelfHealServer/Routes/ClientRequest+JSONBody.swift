import SelfHealCore
import SelfHealRoles

/// Reading a client request out of a JSON body: the edge's part (types and size limits, each
/// a 4xx naming the field), then the roles' validation.
extension ClientRequest {
    static func parse(_ body: JSONBody, taskTypes: TaskTypes, limits: RequestLimits) throws -> ClientRequest {
        try validated(
            userInput: try body.string("user_input", required: true, maxBytes: limits.userInputBytes) ?? "",
            taskType: try body.string("task_type", required: false, maxBytes: 64),
            language: try body.string("language", required: false, maxBytes: 32),
            tests: try body.string("tests", required: false, maxBytes: limits.testsBytes),
            entryPoint: try body.string("entry_point", required: false, maxBytes: EntryPoint.maxBytes),
            taskTypes: taskTypes
        )
    }

    /// The `entry_point` field of a body, read and checked.
    static func entryPoint(in body: JSONBody) throws -> String? {
        try validEntryPoint(try body.string("entry_point", required: false, maxBytes: EntryPoint.maxBytes))
    }
}
