import Foundation
import Hummingbird
import NIOCore

/// One JSON encoding for every response, so field names and dates look the same everywhere.
enum JSONResponse {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    static func data(_ value: some Encodable) -> Data {
        // Encoding our own Codable types cannot fail; an empty object is a safe last resort.
        (try? encoder().encode(value)) ?? Data("{}".utf8)
    }

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
