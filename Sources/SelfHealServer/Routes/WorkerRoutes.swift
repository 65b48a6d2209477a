import Hummingbird
import SelfHealCore

enum WorkerRoutes {
    static func add(to router: Router<BasicRequestContext>, worker: any Generating, taskTypes: TaskTypes, limits: RequestLimits) {
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
                requestId: try body.string("request_id", required: false, maxBytes: 64),
                promptId: try body.number("prompt_id").map { Int64($0) }
            )
            do {
                return JSONResponse.make(try await worker.generate(generateRequest))
            } catch {
                throw RoleErrors.clientError(for: error, role: "worker")
            }
        }
    }
}
