/// String requests: palindromes, reversal, vowels, word frequency, capitalisation.
enum TextTemplates {
    static func stringGuard(_ parameter: String) -> [String] {
        [
            "if not isinstance(\(parameter), str):",
            "    raise TypeError(f\"\(parameter) must be a string, got {type(\(parameter)).__name__}\")",
        ]
    }

    static let stringRaises = ["TypeError: If text is not a string."]

    static func palindrome(_ name: String) -> PythonModule {
        let function = PythonFunction(
            name: name, parameters: [PythonParameter("text", "str", "The text to check.")],
            returnType: "bool", summary: "Return True if text reads the same forwards and backwards.",
            returnsDoc: "Whether text is a palindrome, ignoring case, spaces and punctuation.",
            raisesDoc: stringRaises, validation: stringGuard("text"),
            body: ["cleaned = [character.lower() for character in text if character.isalnum()]", "return cleaned == cleaned[::-1]"]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)(\"A man, a plan, a canal: Panama\")", "True"), .init("\(name)(\"hello\")", "False")],
            invalidCalls: [.init("\(name)(121)", raises: "TypeError")],
            summary: "Here is a palindrome check that ignores case, spaces and punctuation."
        )
    }

    static func reverse(_ name: String) -> PythonModule {
        let function = PythonFunction(
            name: name, parameters: [PythonParameter("text", "str", "The string to reverse.")],
            returnType: "str", summary: "Return text with its characters in reverse order.",
            returnsDoc: "The reversed string.", raisesDoc: stringRaises, validation: stringGuard("text"),
            body: ["return text[::-1]"]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)(\"hello\")", "'olleh'"), .init("\(name)(\"\")", "''")],
            invalidCalls: [.init("\(name)(None)", raises: "TypeError")],
            summary: "Here is a string reversal using slicing."
        )
    }

    static func countVowels(_ name: String) -> PythonModule {
        let function = PythonFunction(
            name: name, parameters: [PythonParameter("text", "str", "The text to scan.")],
            returnType: "int", summary: "Return how many vowels (a, e, i, o, u, either case) text contains.",
            returnsDoc: "The number of vowels.", raisesDoc: stringRaises, validation: stringGuard("text"),
            body: ["vowels = set(\"aeiouAEIOU\")", "return sum(1 for character in text if character in vowels)"]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)(\"Hello World\")", "3"), .init("\(name)(\"rhythm\")", "0")],
            invalidCalls: [.init("\(name)(42)", raises: "TypeError")],
            summary: "Here is a vowel counter."
        )
    }

    static func wordFrequency(_ name: String) -> PythonModule {
        let function = PythonFunction(
            name: name, parameters: [PythonParameter("text", "str", "The text to count words in.")],
            returnType: "dict[str, int]", summary: "Count how often each word occurs in text, ignoring case and punctuation.",
            returnsDoc: "A mapping from each lowercased word to its count, in order of first appearance.",
            raisesDoc: stringRaises, validation: stringGuard("text"),
            body: [
                "counts⟪: dict[str, int]⟫ = {}",
                "for raw_word in text.split():",
                "    word = \"\".join(character for character in raw_word.lower() if character.isalnum())",
                "    if word:",
                "        counts[word] = counts.get(word, 0) + 1",
                "return counts",
            ]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)(\"The cat and the hat.\")", "{'the': 2, 'cat': 1, 'and': 1, 'hat': 1}")],
            invalidCalls: [.init("\(name)([\"a\"])", raises: "TypeError")],
            summary: "Here is a word-frequency counter that normalises case and strips punctuation."
        )
    }

    static func capitalizeWords(_ name: String) -> PythonModule {
        let function = PythonFunction(
            name: name, parameters: [PythonParameter("text", "str", "The text to capitalise.")],
            returnType: "str", summary: "Return text with the first letter of every word in upper case.",
            returnsDoc: "The capitalised text; spacing is preserved.", raisesDoc: stringRaises, validation: stringGuard("text"),
            body: ["return \" \".join(word[:1].upper() + word[1:] for word in text.split(\" \"))"]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)(\"hello big world\")", "'Hello Big World'")],
            invalidCalls: [.init("\(name)(3)", raises: "TypeError")],
            summary: "Here is a function that capitalises every word while keeping the spacing."
        )
    }
}
