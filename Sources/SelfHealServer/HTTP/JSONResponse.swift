import Foundation
import Hummingbird
import NIOCore
import SelfHealRoles

/// One JSON encoding for every response (the roles' `WireJSON`), so field names and dates look
/// the same everywhere, stored answers included.
enum JSONResponse {
    static func encoder() -> JSONEncoder { WireJSON.encoder() }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    static func data(_ value: some Encodable) -> Data { WireJSON.data(value) }

    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        raw(data(value), status: status)
    }

    static func raw(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
