/// A line diff of two prompt texts, for `GET /api/v1/prompts/{id}/diff` and `selfheal prompts diff`.
/// Longest-common-subsequence on lines: prompts are short, so O(n·m) is fine.
public enum LineDiff {
    public enum Line: Equatable, Sendable {
        case same(String)
        case removed(String)
        case added(String)
    }

    public static func lines(from old: String, to new: String) -> [Line] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var lcs = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var result: [Line] = []
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                result.append(.same(a[i])); i += 1; j += 1
            } else if j < b.count, i == a.count || lcs[i][j + 1] >= lcs[i + 1][j] {
                result.append(.added(b[j])); j += 1
            } else {
                result.append(.removed(a[i])); i += 1
            }
        }
        return result
    }

    /// `-` and `+` prefixed text, unchanged lines prefixed with two spaces.
    public static func unified(from old: String, to new: String) -> String {
        lines(from: old, to: new).map { line in
            switch line {
            case .same(let s): "  " + s
            case .removed(let s): "- " + s
            case .added(let s): "+ " + s
            }
        }.joined(separator: "\n")
    }
}
