import Foundation

/// Finds where a field is written in a Lua file, so a validation error (a negative weight,
/// a missing check) can point at a line although Lua itself saw nothing wrong.
enum SourceLines {
    /// The first line assigning `key =` (not `==`, not part of a longer name), else the line
    /// of the last `return`, else 1.
    static func line(of key: String?, in source: String) -> Int {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        if let key {
            for (index, line) in lines.enumerated() where assigns(key, in: line) {
                return index + 1
            }
        }
        if let last = lines.lastIndex(where: { $0.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("return") }) {
            return last + 1
        }
        return 1
    }

    private static func assigns(_ key: String, in line: Substring) -> Bool {
        let isNameCharacter: (Character) -> Bool = { $0.isLetter || $0.isNumber || $0 == "_" }
        var rest = line[...]
        while let range = rest.range(of: key) {
            let before = range.lowerBound > line.startIndex ? line[line.index(before: range.lowerBound)] : " "
            let after = line[range.upperBound...].drop(while: { $0 == " " || $0 == "\t" })
            if !isNameCharacter(before), before != ".", after.hasPrefix("="), !after.hasPrefix("==") { return true }
            rest = line[range.upperBound...]
        }
        return false
    }
}
