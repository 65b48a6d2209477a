import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 request written byte for byte over a plain socket, so a test controls the
/// exact request target (`//api/v1/prompts`, `/api/v1/evaluate/`) that no client library
/// would be trusted to leave alone. Returns the status code and the body.
///
/// The socket calls block, so they run on a thread of their own: blocking the few threads of
/// Swift's cooperative pool (two on a two-core machine) would starve the server under test,
/// whose handlers need that pool to answer, and tests running in parallel would deadlock.
func rawHTTP(port: Int, method: String, target: String, body: String? = nil, headers: [String: String] = [:]) async throws -> (status: Int, body: String) {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            continuation.resume(with: Result { try blockingRawHTTP(port: port, method: method, target: target, body: body, headers: headers) })
        }.start()
    }
}

private func blockingRawHTTP(port: Int, method: String, target: String, body: String?, headers: [String: String]) throws -> (status: Int, body: String) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw RawHTTPError.socket }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw RawHTTPError.connect }
    // A server that never answers fails the test instead of hanging it.
    var timeout = timeval(tv_sec: 60, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    for (name, value) in headers { text += "\(name): \(value)\r\n" }
    if let body { text += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
    text += "\r\n" + (body ?? "")
    let bytes = Array(text.utf8)
    var sent = 0
    while sent < bytes.count {
        let n = bytes[sent...].withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw RawHTTPError.send }
        sent += n
    }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n <= 0 { break }
        received += buffer[0..<n]
    }
    let response = String(decoding: received, as: UTF8.self)
    let statusLine = response.prefix { $0 != "\r" }
    let parts = statusLine.split(separator: " ")
    guard parts.count >= 2, let status = Int(parts[1]) else { throw RawHTTPError.malformed(String(statusLine)) }
    let body = response.range(of: "\r\n\r\n").map { String(response[$0.upperBound...]) } ?? ""
    return (status, body)
}

enum RawHTTPError: Error {
    case socket, connect, send
    case malformed(String)
}
