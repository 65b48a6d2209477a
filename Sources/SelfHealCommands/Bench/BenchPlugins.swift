import Foundation

/// A copy of `plugins/` for the heal benchmark, with the canary share set as asked and no
/// cooldown: a benchmark of a few cycles cannot wait fifteen minutes between passes.
enum BenchPlugins {
    static func copy(from source: String, to destination: URL, canaryShare: Double) throws -> String {
        let fm = FileManager.default
        try fm.createDirectory(at: destination, withIntermediateDirectories: true)
        for name in try fm.contentsOfDirectory(atPath: source) where name.hasSuffix(".lua") {
            var text = try String(contentsOfFile: source + "/" + name, encoding: .utf8)
            text = replacing(setting: "canary_share", with: String(canaryShare), in: text)
            text = replacing(setting: "cooldown_minutes", with: "0", in: text)
            try text.write(to: destination.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return destination.path
    }

    /// Rewrites `name = <value>,` at the start of a line; leaves everything else alone.
    private static func replacing(setting name: String, with value: String, in text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let trimmed = line.drop(while: { $0 == " " })
            guard trimmed.hasPrefix(name + " =") || trimmed.hasPrefix(name + "=") else { return String(line) }
            let indent = line.prefix(while: { $0 == " " })
            return "\(indent)\(name) = \(value),"
        }.joined(separator: "\n")
    }
}
