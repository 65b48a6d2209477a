/// Sorting requests. Every sort returns a new list and leaves its argument untouched.
enum SortTemplates {
    static let listGuard = [
        "if not isinstance(items, list):",
        "    raise TypeError(f\"items must be a list, got {type(items).__name__}\")",
    ]
    static let raises = ["TypeError: If items is not a list."]
    static let parameter = PythonParameter("items", "list[Any]", "The values to sort; they must be mutually comparable.")

    static func module(_ function: PythonFunction, summary: String) -> PythonModule {
        let name = function.name
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)([5, 2, 9, 1, 5])", "[1, 2, 5, 5, 9]"), .init("\(name)([])", "[]")],
            invalidCalls: [.init("\(name)(\"cba\")", raises: "TypeError")],
            summary: summary
        )
    }

    static func bubbleSort(_ name: String) -> PythonModule {
        module(PythonFunction(
            name: name, parameters: [parameter], returnType: "list[Any]",
            summary: "Return a sorted copy of items using bubble sort.", returnsDoc: "A new list in ascending order.",
            raisesDoc: raises, validation: listGuard,
            body: [
                "result = list(items)", "for end in range(len(result) - 1, 0, -1):", "    swapped = False",
                "    for index in range(end):", "        if result[index] > result[index + 1]:",
                "            result[index], result[index + 1] = result[index + 1], result[index]",
                "            swapped = True", "    if not swapped:", "        break", "return result",
            ]
        ), summary: "Here is bubble sort with an early exit once a pass makes no swaps.")
    }

    static func insertionSort(_ name: String) -> PythonModule {
        module(PythonFunction(
            name: name, parameters: [parameter], returnType: "list[Any]",
            summary: "Return a sorted copy of items using insertion sort.", returnsDoc: "A new list in ascending order.",
            raisesDoc: raises, validation: listGuard,
            body: [
                "result = list(items)", "for index in range(1, len(result)):", "    current = result[index]",
                "    position = index - 1", "    while position >= 0 and result[position] > current:",
                "        result[position + 1] = result[position]", "        position -= 1",
                "    result[position + 1] = current", "return result",
            ]
        ), summary: "Here is insertion sort.")
    }

    static func quickSort(_ name: String) -> PythonModule {
        module(PythonFunction(
            name: name, parameters: [parameter], returnType: "list[Any]",
            summary: "Return a sorted copy of items using quicksort (middle element as pivot).",
            returnsDoc: "A new list in ascending order.", raisesDoc: raises, validation: listGuard,
            body: [
                "if len(items) <= 1:", "    return list(items)", "pivot = items[len(items) // 2]",
                "smaller = [item for item in items if item < pivot]", "equal = [item for item in items if item == pivot]",
                "larger = [item for item in items if item > pivot]",
                "return \(name)(smaller) + equal + \(name)(larger)",
            ]
        ), summary: "Here is a quicksort that partitions around the middle element.")
    }

    static func mergeSort(_ name: String) -> PythonModule {
        module(PythonFunction(
            name: name, parameters: [parameter], returnType: "list[Any]",
            summary: "Return a sorted copy of items using merge sort (stable, O(n log n)).",
            returnsDoc: "A new list in ascending order.", raisesDoc: raises, validation: listGuard,
            body: [
                "if len(items) <= 1:", "    return list(items)", "middle = len(items) // 2",
                "left = \(name)(items[:middle])", "right = \(name)(items[middle:])",
                "merged⟪: list[Any]⟫ = []", "i = j = 0", "while i < len(left) and j < len(right):",
                "    if left[i] <= right[j]:", "        merged.append(left[i])", "        i += 1", "    else:",
                "        merged.append(right[j])", "        j += 1",
                "merged.extend(left[i:])", "merged.extend(right[j:])", "return merged",
            ]
        ), summary: "Here is a stable merge sort.")
    }
}
