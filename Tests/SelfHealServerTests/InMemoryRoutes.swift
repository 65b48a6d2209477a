import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import SelfHealCommands
import SelfHealCore
import SelfHealServer
import SelfHealSimulated

/// A role's routes reached in memory through HummingbirdTesting's router client: the same
/// router, middleware, store and services as a served role, without a socket. For tests about
/// what a route answers; tests about the wire (path spellings, slow clients, processes, faults)
/// keep a real server.
struct InMemoryRoutes: Sendable {
    let client: any TestClientProtocol
    /// The role's store, as `RunningRole.store`.
    let store: (any Store)?

    func fetch(_ method: Method = .POST, path: String, body: Data? = nil, headers: [String: String] = [:]) async throws -> HTTPAnswer {
        var fields = HTTPFields()
        if body != nil { fields[.contentType] = "application/json" }
        for (name, value) in headers {
            guard let field = HTTPField.Name(name) else { throw TestFailure("not a header name: \(name)") }
            fields.append(HTTPField(name: field, value: value))
        }
        let response = try await client.executeRequest(
            uri: path, method: method == .GET ? .get : .post, headers: fields, body: body.map { ByteBuffer(data: $0) }
        )
        var headers: [String: String] = [:]
        for field in response.headers { headers[field.name.canonicalName] = field.value }
        return HTTPAnswer(status: response.status.code, headers: headers, body: Data(response.body.readableBytesView))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Assembles the role `config` describes (simulated provider unless given), runs its services and
/// prepares its store as a served role would, hands `body` its routes in memory, and closes the
/// role however `body` ends.
func withRoutes<T: Sendable>(
    _ config: RoleConfiguration, providers: LLMProviders = LLMProviders(SimulatedProvider()),
    _ body: @Sendable (InMemoryRoutes) async throws -> T
) async throws -> T {
    let assembled = try await RoleAssembly.assemble(config: config, providers: providers, logger: quietLogger)
    return try await withRoutes(assembled: assembled, config, body)
}

/// As above, for a role assembled by hand (tests swap parts of it).
func withRoutes<T: Sendable>(
    assembled: AssembledRole, _ config: RoleConfiguration, _ body: @Sendable (InMemoryRoutes) async throws -> T
) async throws -> T {
    let store = assembled.store
    do {
        let result = try await assembled.application(config: config, logger: quietLogger).test(.router) { client in
            try await body(InMemoryRoutes(client: client, store: store))
        }
        await assembled.close()
        return result
    } catch {
        await assembled.close()
        throw error
    }
}
