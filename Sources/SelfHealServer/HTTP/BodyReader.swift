import Foundation
import Hummingbird
import NIOCore
import SelfHealCore

/// Reads a JSON object body within a size limit, and its fields with errors that name them.
struct JSONBody {
    let fields: [String: JSONValue]

    static func read(_ request: Request, limit: Int) async throws -> JSONBody {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.tooLarge("request body exceeds \(limit) bytes")
        }
        guard buffer.readableBytes > 0 else {
            throw APIError.badRequest("request body is empty: expected a JSON object")
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(buffer.readableBytesView)
        } catch {
            throw APIError.badRequest("request body is not valid JSON: \(error)")
        }
        guard case .object(let fields) = value else {
            throw APIError.badRequest("request body must be a JSON object, got \(value.typeName)")
        }
        return JSONBody(fields: fields)
    }

    /// A string field; `maxBytes` over the limit is a 413 naming the field.
    func string(_ name: String, required: Bool, maxBytes: Int) throws -> String? {
        guard let value = fields[name], value != .null else {
            if required { throw APIError.invalidField(name, "is required") }
            return nil
        }
        guard case .string(let s) = value else {
            throw APIError.invalidField(name, "must be a string, got \(value.typeName)")
        }
        if s.utf8.count > maxBytes {
            throw APIError.tooLarge("\(name): exceeds \(maxBytes) bytes")
        }
        return s
    }

    func number(_ name: String) throws -> Double? {
        guard let value = fields[name], value != .null else { return nil }
        guard case .number(let n) = value else {
            throw APIError.invalidField(name, "must be a number, got \(value.typeName)")
        }
        return n
    }

    func bool(_ name: String) throws -> Bool? {
        guard let value = fields[name], value != .null else { return nil }
        guard case .bool(let b) = value else {
            throw APIError.invalidField(name, "must be a boolean, got \(value.typeName)")
        }
        return b
    }
}
