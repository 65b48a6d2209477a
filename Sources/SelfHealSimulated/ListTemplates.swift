/// List utilities: flatten, de-duplicate, chunk, max/min, average, sum.
enum ListTemplates {
    static func listGuard(_ parameter: String = "items") -> [String] {
        [
            "if not isinstance(\(parameter), list):",
            "    raise TypeError(f\"\(parameter) must be a list, got {type(\(parameter)).__name__}\")",
        ]
    }

    static let numbersGuard = listGuard("numbers") + [
        "if not numbers:",
        "    raise ValueError(\"numbers must not be empty\")",
        "if not all(isinstance(number, (int, float)) and not isinstance(number, bool) for number in numbers):",
        "    raise TypeError(\"numbers must contain only ints and floats\")",
    ]
    static let numbersRaises = ["TypeError: If numbers is not a list of numbers.", "ValueError: If numbers is empty."]
    static let numbersParameter = PythonParameter("numbers", "list[float]", "A non-empty list of numbers.")

    static func flatten(_ name: String) -> PythonModule {
        let function = PythonFunction(
            name: name, parameters: [PythonParameter("nested", "list[Any]", "A list whose elements may themselves be lists, at any depth.")],
            returnType: "list[Any]", summary: "Return the elements of a nested list as one flat list, in order.",
            returnsDoc: "A new flat list.", raisesDoc: ["TypeError: If nested is not a list."],
            validation: listGuard("nested"),
            body: [
                "flat⟪: list[Any]⟫ = []", "for element in nested:", "    if isinstance(element, list):",
                "        flat.extend(\(name)(element))", "    else:", "        flat.append(element)", "return flat",
            ]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)([1, [2, [3, 4]], 5])", "[1, 2, 3, 4, 5]"), .init("\(name)([])", "[]")],
            invalidCalls: [.init("\(name)((1, 2))", raises: "TypeError")],
            summary: "Here is a recursive flatten for arbitrarily nested lists."
        )
    }

    static func removeDuplicates(_ name: String) -> PythonModule {
        let function = PythonFunction(
            name: name, parameters: [PythonParameter("items", "list[Any]", "The values to de-duplicate; they must be hashable.")],
            returnType: "list[Any]", summary: "Return items without duplicates, keeping the first occurrence of each value.",
            returnsDoc: "A new list in the original order.", raisesDoc: ["TypeError: If items is not a list."],
            validation: listGuard(),
            body: ["return list(dict.fromkeys(items))"]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)([3, 1, 3, 2, 1])", "[3, 1, 2]")],
            invalidCalls: [.init("\(name)(None)", raises: "TypeError")],
            summary: "Here is an order-preserving de-duplication."
        )
    }

    static func chunk(_ name: String) -> PythonModule {
        let function = PythonFunction(
            name: name,
            parameters: [PythonParameter("items", "list[Any]", "The values to split."), PythonParameter("size", "int", "The length of each chunk; the last may be shorter.")],
            returnType: "list[list[Any]]", summary: "Split items into consecutive chunks of at most size elements.",
            returnsDoc: "A list of chunks, in order.",
            raisesDoc: ["TypeError: If items is not a list or size is not an integer.", "ValueError: If size is not positive."],
            validation: listGuard() + [
                "if not isinstance(size, int) or isinstance(size, bool):",
                "    raise TypeError(\"size must be an integer\")",
                "if size <= 0:",
                "    raise ValueError(f\"size must be positive, got {size}\")",
            ],
            body: ["return [items[start:start + size] for start in range(0, len(items), size)]"]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)([1, 2, 3, 4, 5], 2)", "[[1, 2], [3, 4], [5]]")],
            invalidCalls: [.init("\(name)([1, 2], 0)", raises: "ValueError")],
            summary: "Here is a function that splits a list into fixed-size chunks."
        )
    }

    static func extreme(_ name: String, largest: Bool) -> PythonModule {
        let word = largest ? "largest" : "smallest"
        let comparison = largest ? ">" : "<"
        let function = PythonFunction(
            name: name, parameters: [numbersParameter], returnType: "float",
            summary: "Return the \(word) value in numbers.", returnsDoc: "The \(word) number.",
            raisesDoc: numbersRaises, validation: numbersGuard,
            body: [
                "best = numbers[0]", "for number in numbers[1:]:", "    if number \(comparison) best:", "        best = number", "return best",
            ]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)([3, 9, -2, 7])", largest ? "9" : "-2")],
            invalidCalls: [.init("\(name)([])", raises: "ValueError")],
            summary: "Here is a single-pass search for the \(word) number."
        )
    }

    static func average(_ name: String) -> PythonModule {
        let function = PythonFunction(
            name: name, parameters: [numbersParameter], returnType: "float",
            summary: "Return the arithmetic mean of numbers.", returnsDoc: "The mean as a float.",
            raisesDoc: numbersRaises, validation: numbersGuard,
            body: ["return sum(numbers) / len(numbers)"]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)([2, 4, 9])", "5.0")],
            invalidCalls: [.init("\(name)([])", raises: "ValueError")],
            summary: "Here is a function computing the mean of a list."
        )
    }

    static func sum(_ name: String) -> PythonModule {
        let function = PythonFunction(
            name: name, parameters: [PythonParameter("numbers", "list[float]", "The numbers to add.")], returnType: "float",
            summary: "Return the sum of numbers (0 for an empty list).", returnsDoc: "The total.",
            raisesDoc: ["TypeError: If numbers is not a list of numbers."],
            validation: listGuard("numbers") + [
                "if not all(isinstance(number, (int, float)) and not isinstance(number, bool) for number in numbers):",
                "    raise TypeError(\"numbers must contain only ints and floats\")",
            ],
            body: ["total = 0", "for number in numbers:", "    total += number", "return total"]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)([1, 2, 3.5])", "6.5"), .init("\(name)([])", "0")],
            invalidCalls: [.init("\(name)([1, \"2\"])", raises: "TypeError")],
            summary: "Here is a function that adds up a list of numbers."
        )
    }
}
