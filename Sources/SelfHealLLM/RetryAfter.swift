import Foundation
import NIOHTTP1

/// Reads how long a server asked us to wait: `Retry-After` as seconds or an HTTP date
/// (RFC 9110), or the `retry-after-ms` some OpenAI-compatible servers send.
enum RetryAfter {
    static func parse(_ headers: HTTPHeaders, now: Date = Date()) -> Duration? {
        if let ms = headers.first(name: "retry-after-ms").flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }), ms >= 0 {
            return .milliseconds(Int64(ms.rounded(.up)))
        }
        guard let value = headers.first(name: "retry-after")?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return nil
        }
        if let seconds = Double(value) {
            return seconds >= 0 ? .milliseconds(Int64((seconds * 1000).rounded(.up))) : nil
        }
        guard let date = httpDate(value) else { return nil }
        let seconds = max(0, date.timeIntervalSince(now))
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    private static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
