import Hummingbird
import SelfHealCore
import SelfHealRoles

enum EvaluatorRoutes {
    static func add(to router: RouterGroup<BasicRequestContext>, evaluator: any Evaluating, taskTypes: TaskTypes, limits: RequestLimits) {
        router.post("/api/v1/evaluate") { request, _ -> Response in
            let body = try await JSONBody.read(request, limit: limits.bodyBytes)
            let taskType = try body.string("task_type", required: true, maxBytes: 64) ?? ""
            guard taskTypes.contains(taskType) else {
                throw APIError.invalidField("task_type", "unknown task type '\(taskType)'; known: \(taskTypes.known.joined(separator: ", "))")
            }
            let evaluateRequest = EvaluateRequest(
                taskType: taskType,
                userInput: try body.string("user_input", required: true, maxBytes: limits.userInputBytes) ?? "",
                output: try body.string("output", required: true, maxBytes: limits.bodyBytes) ?? "",
                language: try body.string("language", required: false, maxBytes: 32),
                tests: try body.string("tests", required: false, maxBytes: limits.testsBytes),
                entryPoint: try ClientRequest.entryPoint(in: body),
                requestId: RequestIdHeader.value(of: request)
            )
            do {
                return JSONResponse.make(try await evaluator.evaluate(evaluateRequest))
            } catch {
                throw RoleErrors.clientError(for: error, role: "evaluator")
            }
        }
    }
}
