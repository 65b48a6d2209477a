import Hummingbird
import SelfHealCore
import SelfHealRoles

enum WorkerRoutes {
    static func add(to router: RouterGroup<BasicRequestContext>, worker: any Generating, taskTypes: TaskTypes, limits: RequestLimits) {
        router.post("/api/v1/generate") { request, _ -> Response in
            let body = try await JSONBody.read(request, limit: limits.bodyBytes)
            let taskType = try body.string("task_type", required: true, maxBytes: 64) ?? ""
            guard taskTypes.contains(taskType) else {
                throw APIError.invalidField("task_type", "unknown task type '\(taskType)'; known: \(taskTypes.known.joined(separator: ", "))")
            }
            let generateRequest = GenerateRequest(
                taskType: taskType,
                userInput: try body.string("user_input", required: true, maxBytes: limits.userInputBytes) ?? "",
                language: try body.string("language", required: false, maxBytes: 32),
                requestId: try body.string("request_id", required: false, maxBytes: 64) ?? RequestIdHeader.value(of: request),
                promptId: try promptId(body)
            )
            do {
                return JSONResponse.make(try await worker.generate(generateRequest))
            } catch {
                throw RoleErrors.clientError(for: error, role: "worker")
            }
        }
    }

    /// `prompt_id` must be a whole number that fits an id: a float or a huge value is the
    /// caller's mistake (422), never a crash or a silent truncation.
    private static func promptId(_ body: JSONBody) throws -> Int64? {
        guard let number = try body.number("prompt_id") else { return nil }
        guard let id = Int64(exactly: number), id > 0 else {
            throw APIError.invalidField("prompt_id", "must be a positive whole number, got \(number)")
        }
        return id
    }
}
