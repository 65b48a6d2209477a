import Foundation
import SelfHealCommands
import SelfHealCore
import SelfHealRoles
import SelfHealServer
import Testing

@Suite("Bad request bodies get a clear error naming the field")
struct ValidationTests {
    @Test func badBodies() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        var config = testConfig(.all, database: database)
        config.limits = RequestLimits(bodyBytes: 64 * 1024, userInputBytes: 4 * 1024, testsBytes: 8 * 1024)
        try await withRoutes(config) { role in
            let path = "/api/v1/request"

            let notJSON = try await role.fetch(path: path, body: Data("user_input=hello".utf8))
            #expect(notJSON.status == 400)
            #expect(notJSON.errorMessage?.contains("not valid JSON") == true)
            // Hostile bodies of the same class: nesting past the parser's bound (arrays, and
            // objects), bytes that are not UTF-8, a lone surrogate. Each a 400 that says why.
            for (body, reason) in [
                (Data((String(repeating: "[", count: 600) + String(repeating: "]", count: 600)).utf8), "nested deeper than 512 levels"),
                (Data(String(repeating: #"{"a":"#, count: 600).utf8), "nested deeper than 512 levels"),
                (Data([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]), "not valid UTF-8"),
                (Data(#"{"user_input": "\ud83d", "task_type": "code_generation"}"#.utf8), "half of a surrogate pair"),
            ] {
                let hostile = try await role.fetch(path: path, body: body)
                #expect(hostile.status == 400)
                #expect(hostile.errorMessage?.contains(reason) == true, "\(hostile.errorMessage ?? "no message")")
            }

            let array = try await role.fetch(path: path, body: Data("[1,2]".utf8))
            #expect(array.status == 400)
            #expect(array.errorMessage?.contains("JSON object") == true)

            let missing = try await role.fetch(path: path, body: json(["task_type": "code_generation"]))
            #expect(missing.status == 422)
            #expect(missing.errorMessage?.contains("user_input") == true)

            let wrongType = try await role.fetch(path: path, body: json(["user_input": 42]))
            #expect(wrongType.status == 422)
            #expect(wrongType.errorMessage == "user_input: must be a string, got a number")

            let blank = try await role.fetch(path: path, body: json(["user_input": "  \n\t "]))
            #expect(blank.status == 422)
            #expect(blank.errorMessage?.contains("user_input") == true)

            let unknownTask = try await role.fetch(path: path, body: json(["user_input": "hi", "task_type": "poetry"]))
            #expect(unknownTask.status == 422)
            let message = try #require(unknownTask.errorMessage)
            #expect(message.contains("task_type") && message.contains("poetry"))
            #expect(message.contains("code_generation") && message.contains("test_generation") && message.contains("code_review"))

            let oversizedField = try await role.fetch(path: path, body: json(["user_input": String(repeating: "a", count: 5000)]))
            #expect(oversizedField.status == 413)
            #expect(oversizedField.errorMessage?.contains("user_input") == true)

            let oversizedBody = try await role.fetch(path: path, body: json(["user_input": "hi", "tests": String(repeating: "b", count: 70 * 1024)]))
            #expect(oversizedBody.status == 413)

            let badEntryPoint = try await role.fetch(path: path, body: json(["user_input": "hi", "entry_point": "rm -rf /"]))
            #expect(badEntryPoint.status == 422)
            #expect(badEntryPoint.errorMessage?.contains("entry_point") == true)

            let badLanguage = try await role.fetch(path: path, body: json(["user_input": "hi", "language": "klingon"]))
            #expect(badLanguage.status == 422)
            #expect(badLanguage.errorMessage?.contains("language") == true)

            // Nothing above was accepted, so nothing was logged.
            let logs = try await #require(role.store).recentLogs(taskType: nil, since: .distantPast, limit: 10)
            #expect(logs.isEmpty)
        }
    }
}

@Suite("The worker's pinned prompt_id is validated")
struct PromptIdValidationTests {
    @Test("a prompt_id that is not a whole positive id is a 422, never a crash", arguments: [1e19, -1e19, 1.5, 0])
    func badPromptId(value: Double) async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoutes(testConfig(.all, database: database)) { role in
            let answer = try await role.fetch(
                path: "/api/v1/generate",
                body: json(["task_type": "code_generation", "user_input": "x", "prompt_id": value])
            )
            #expect(answer.status == 422)
            #expect(answer.errorMessage?.contains("prompt_id") == true)
            #expect(try await role.fetch(.GET, path: "/health").status == 200)
        }
    }
}
