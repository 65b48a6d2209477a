import Foundation
import Hummingbird
import Logging
import SelfHealCore
import SelfHealRoles

/// The prompt admin API on the manager: an operator lists, reads, writes, activates,
/// rolls back and diffs prompt versions, and reads the optimizer's decisions.
enum PromptRoutes {
    struct PromptDetail: Codable {
        var prompt: PromptVersion
        var history: [PromptStatusChange]
    }

    struct PromptList: Codable {
        var prompts: [PromptVersion]
    }

    struct RunList: Codable {
        var runs: [OptimizerRun]
    }

    struct Diff: Codable {
        var from: PromptRef
        var to: PromptRef
        var diff: String
    }

    static func add(to router: RouterGroup<BasicRequestContext>, store: any Store, taskTypes: TaskTypes, limits: RequestLimits) {
        let prompts = router.group("/api/v1/prompts")
        prompts.get { request, _ -> Response in
            let taskType = request.uri.queryParameters.get("task_type")
            if let taskType { try validate(taskType, taskTypes) }
            return JSONResponse.make(PromptList(prompts: try await storeCall { try await store.prompts(taskType: taskType) }))
        }
        prompts.post { request, _ -> Response in
            let body = try await JSONBody.read(request, limit: limits.bodyBytes)
            let taskType = try body.string("task_type", required: true, maxBytes: 64) ?? ""
            try validate(taskType, taskTypes)
            let text = try body.string("text", required: true, maxBytes: limits.userInputBytes) ?? ""
            guard !text.isBlank else { throw APIError.invalidField("text", "must not be empty") }
            let statusName = try body.string("status", required: false, maxBytes: 16) ?? "active"
            guard let status = PromptStatus(rawValue: statusName), status == .active || status == .canary else {
                throw APIError.invalidField("status", "must be \"active\" or \"canary\", got \"\(statusName)\"")
            }
            let reason = try body.string("reason", required: false, maxBytes: 2000)
            let created = try await storeCall {
                try await store.createPrompt(NewPrompt(taskType: taskType, text: text, status: status, author: .operator, reason: reason))
            }
            return JSONResponse.make(created, status: .created)
        }
        prompts.post("/rollback") { request, _ -> Response in
            let body = try await JSONBody.read(request, limit: limits.bodyBytes)
            let taskType = try body.string("task_type", required: true, maxBytes: 64) ?? ""
            try validate(taskType, taskTypes)
            let reason = try body.string("reason", required: false, maxBytes: 2000) ?? "operator rollback"
            return JSONResponse.make(try await storeCall { try await store.rollbackPrompt(taskType: taskType, reason: reason) })
        }
        prompts.get("/{id}") { request, context -> Response in
            let prompt = try await find(try id(context), store)
            let history = try await storeCall { try await store.promptHistory(id: prompt.id) }
            return JSONResponse.make(PromptDetail(prompt: prompt, history: history))
        }
        prompts.post("/{id}/activate") { _, context -> Response in
            let id = try id(context)
            _ = try await find(id, store)
            return JSONResponse.make(try await storeCall { try await store.activatePrompt(id: id, reason: "activated by operator") })
        }
        prompts.get("/{id}/diff") { request, context -> Response in
            let target = try await find(try id(context), store)
            let base: PromptVersion
            if let against = request.uri.queryParameters.get("against") {
                guard let againstId = Int64(against) else { throw APIError.badRequest("against: '\(against)' is not a prompt id") }
                base = try await find(againstId, store)
            } else if let parent = target.parentId {
                base = try await find(parent, store)
            } else {
                throw APIError.badRequest("prompt \(target.id) has no parent: give ?against=ID")
            }
            return JSONResponse.make(Diff(from: base.ref, to: target.ref, diff: LineDiff.unified(from: base.text, to: target.text)))
        }
        router.get("/api/v1/optimizer/runs") { request, _ -> Response in
            let taskType = request.uri.queryParameters.get("task_type")
            if let taskType { try validate(taskType, taskTypes) }
            let limit = try StatsQuery.limit(request, default: 50)
            return JSONResponse.make(RunList(runs: try await storeCall { try await store.optimizerRuns(taskType: taskType, limit: limit) }))
        }
    }

    private static func validate(_ taskType: String, _ taskTypes: TaskTypes) throws {
        guard taskTypes.contains(taskType) else {
            throw APIError.invalidField("task_type", "unknown task type '\(taskType)'; known: \(taskTypes.known.joined(separator: ", "))")
        }
    }

    private static func id(_ context: BasicRequestContext) throws -> Int64 {
        let raw = context.parameters.get("id") ?? ""
        guard let id = Int64(raw) else { throw APIError.badRequest("'\(raw)' is not a prompt id") }
        return id
    }

    private static func find(_ id: Int64, _ store: any Store) async throws -> PromptVersion {
        guard let prompt = try await storeCall({ try await store.prompt(id: id) }) else {
            throw APIError.notFound("no prompt version with id \(id)")
        }
        return prompt
    }
}

/// Runs a store call, turning store errors into client errors (503 when unreachable,
/// 404/409/422 for the caller's mistakes).
func storeCall<T: Sendable>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as StoreError {
        switch error.kind {
        case .unavailable:
            RoleErrors.logger.error("Database unavailable", metadata: ["error.detail": "\(error.message)"])
            throw APIError.storeUnavailable
        case .notFound: throw APIError.notFound(error.message)
        case .conflict: throw APIError(.conflict, code: "conflict", message: error.message)
        case .invalid: throw APIError(.unprocessableContent, code: "invalid", message: error.message)
        }
    }
}

/// `hours` and `limit` query parameters, validated: a bad value is a 400 naming it.
enum StatsQuery {
    static func limit(_ request: Request, default value: Int, max: Int = 1000) throws -> Int {
        guard let raw = request.uri.queryParameters.get("limit") else { return value }
        guard let limit = Int(raw), (1...max).contains(limit) else {
            throw APIError.badRequest("limit: '\(raw)' must be a whole number from 1 to \(max)")
        }
        return limit
    }

    static func hours(_ request: Request, default value: Double = 24) throws -> Double {
        guard let raw = request.uri.queryParameters.get("hours") else { return value }
        guard let hours = Double(raw), hours > 0, hours <= 24 * 366 else {
            throw APIError.badRequest("hours: '\(raw)' must be a number of hours from 0 to 8784")
        }
        return hours
    }
}
