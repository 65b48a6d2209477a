/// Common requests beyond the basics: merging sorted lists, anagrams, temperature conversion,
/// and an LRU cache class.
enum MoreTemplates {
    static func mergeSortedLists(_ name: String) -> PythonModule {
        let guards = [
            "if not isinstance(first, list) or not isinstance(second, list):",
            "    raise TypeError(\"first and second must be lists\")",
        ]
        let function = PythonFunction(
            name: name,
            parameters: [PythonParameter("first", "list[Any]", "A list sorted in ascending order."),
                         PythonParameter("second", "list[Any]", "Another list sorted in ascending order.")],
            returnType: "list[Any]", summary: "Merge two sorted lists into one sorted list in linear time.",
            returnsDoc: "A new sorted list holding every element of both inputs.",
            raisesDoc: ["TypeError: If first or second is not a list."], validation: guards,
            body: [
                "merged⟪: list[Any]⟫ = []", "i = j = 0", "while i < len(first) and j < len(second):",
                "    if first[i] <= second[j]:", "        merged.append(first[i])", "        i += 1", "    else:",
                "        merged.append(second[j])", "        j += 1", "merged.extend(first[i:])", "merged.extend(second[j:])", "return merged",
            ]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)([1, 4, 9], [2, 3, 10])", "[1, 2, 3, 4, 9, 10]"), .init("\(name)([], [5])", "[5]")],
            invalidCalls: [.init("\(name)(None, [1])", raises: "TypeError")],
            summary: "Here is a linear-time merge of two sorted lists."
        )
    }

    static func anagram(_ name: String) -> PythonModule {
        let function = PythonFunction(
            name: name,
            parameters: [PythonParameter("first", "str", "The first word or phrase."), PythonParameter("second", "str", "The second word or phrase.")],
            returnType: "bool", summary: "Return True if first and second are anagrams, ignoring case and spaces.",
            returnsDoc: "Whether the two texts use exactly the same letters.",
            raisesDoc: ["TypeError: If first or second is not a string."],
            validation: ["if not isinstance(first, str) or not isinstance(second, str):", "    raise TypeError(\"first and second must be strings\")"],
            body: [
                "first_letters = sorted(character.lower() for character in first if not character.isspace())",
                "second_letters = sorted(character.lower() for character in second if not character.isspace())",
                "return first_letters == second_letters",
            ]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)(\"Listen\", \"Silent\")", "True"), .init("\(name)(\"abc\", \"abd\")", "False")],
            invalidCalls: [.init("\(name)(\"abc\", None)", raises: "TypeError")],
            summary: "Here is an anagram check that compares sorted letters."
        )
    }

    static func celsiusToFahrenheit(_ name: String) -> PythonModule {
        let function = PythonFunction(
            name: name, parameters: [PythonParameter("celsius", "float", "A temperature in degrees Celsius.")],
            returnType: "float", summary: "Convert a temperature from degrees Celsius to degrees Fahrenheit.",
            returnsDoc: "The temperature in degrees Fahrenheit.",
            raisesDoc: ["TypeError: If celsius is not a number.", "ValueError: If celsius is below absolute zero."],
            validation: [
                "if not isinstance(celsius, (int, float)) or isinstance(celsius, bool):",
                "    raise TypeError(\"celsius must be a number\")",
                "if celsius < -273.15:",
                "    raise ValueError(\"celsius must not be below absolute zero (-273.15)\")",
            ],
            body: ["return celsius * 9 / 5 + 32"]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)(100)", "212.0"), .init("\(name)(-40)", "-40.0")],
            invalidCalls: [.init("\(name)(-300)", raises: "ValueError")],
            summary: "Here is a Celsius to Fahrenheit conversion."
        )
    }

    static func lruCache(_ name: String) -> PythonModule {
        let type = PythonClass(name: name, base: nil, summary: "A least-recently-used cache holding at most capacity entries.", methods: [
            PythonFunction(name: "__init__", parameters: [PythonParameter("capacity", "int", "The maximum number of entries.")], returnType: "None",
                           summary: "Create an empty cache.", raisesDoc: ["ValueError: If capacity is not a positive integer."],
                           validation: ["if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity <= 0:",
                                        "    raise ValueError(\"capacity must be a positive integer\")"],
                           body: ["self.capacity = capacity", "self._entries⟪: OrderedDict[Any, Any]⟫ = OrderedDict()"]),
            PythonFunction(name: "get", parameters: [PythonParameter("key", "Any", "The key to look up."),
                                                    PythonParameter("default", "Any", "What to return for a missing key.", default: "None")],
                           returnType: "Any", summary: "Return the value for key and mark it as recently used.",
                           returnsDoc: "The cached value, or default.",
                           body: ["if key not in self._entries:", "    return default", "self._entries.move_to_end(key)", "return self._entries[key]"]),
            PythonFunction(name: "put", parameters: [PythonParameter("key", "Any", "The key to store."), PythonParameter("value", "Any", "The value to store.")],
                           returnType: "None", summary: "Store value under key, evicting the least recently used entry when full.",
                           body: ["self._entries[key] = value", "self._entries.move_to_end(key)",
                                  "if len(self._entries) > self.capacity:", "    self._entries.popitem(last=False)"]),
            PythonFunction(name: "__len__", parameters: [], returnType: "int", summary: "Return the number of cached entries.",
                           body: ["return len(self._entries)"]),
        ])
        return PythonModule(
            imports: ["from collections import OrderedDict"], definitions: [.class(type)], primaryName: name,
            examples: [.init("cache = \(name)(2)"), .init("cache.put(\"a\", 1)"), .init("cache.put(\"b\", 2)"), .init("cache.get(\"a\")", "1"),
                       .init("cache.put(\"c\", 3)"), .init("cache.get(\"b\", \"missing\")", "'missing'"), .init("len(cache)", "2")],
            invalidCalls: [.init("\(name)(0)", raises: "ValueError")],
            summary: "Here is an LRU cache built on OrderedDict, with O(1) get and put."
        )
    }
}
