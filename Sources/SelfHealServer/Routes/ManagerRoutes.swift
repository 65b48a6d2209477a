import Foundation
import HTTPTypes
import Hummingbird
import SelfHealCore
import SelfHealRoles

enum ManagerRoutes {
    static func add(
        to router: RouterGroup<BasicRequestContext>, manager: Manager, taskTypes: TaskTypes, limits: RequestLimits, security: SecuritySettings
    ) {
        router.post("/api/v1/request") { request, _ -> Response in
            let body = try await JSONBody.read(request, limit: limits.bodyBytes)
            let clientRequest = try ClientRequest.parse(body, taskTypes: taskTypes, limits: limits)
            let idempotency = try IdempotencyHeader.scope(of: request, for: clientRequest, security: security)
            let reply = try await manager.handle(clientRequest, idempotency: idempotency)
            var response = JSONResponse.raw(reply.json)
            if reply.replayed { response.headers[IdempotencyHeader.replayed] = "true" }
            return response
        }
    }
}
