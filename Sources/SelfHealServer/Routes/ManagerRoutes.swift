import Foundation
import HTTPTypes
import Hummingbird
import SelfHealCore

enum ManagerRoutes {
    static func add(to router: Router<BasicRequestContext>, manager: Manager, taskTypes: TaskTypes, limits: RequestLimits) {
        router.post("/api/v1/request") { request, _ -> Response in
            let body = try await JSONBody.read(request, limit: limits.bodyBytes)
            let clientRequest = try ClientRequest.parse(body, taskTypes: taskTypes, limits: limits)
            let key = request.headers[HTTPField.Name("Idempotency-Key")!]
            if let key, key.isEmpty || key.utf8.count > 200 {
                throw APIError.invalidField("Idempotency-Key", "must be 1 to 200 bytes")
            }
            let reply = try await manager.handle(clientRequest, idempotencyKey: key)
            var response = JSONResponse.raw(reply.json)
            if reply.replayed { response.headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
            return response
        }
    }
}
