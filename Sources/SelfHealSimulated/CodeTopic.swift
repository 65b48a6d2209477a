import Foundation

/// The requests the simulated provider has a correct, runnable template for. Matching is by
/// keywords, in the order of `allCases`: more specific topics come first ("binary search" before
/// any search, "primes up to" before "is prime").
enum CodeTopic: String, CaseIterable, Sendable {
    case restHandler, lruCache, bankAccount, linkedList, stack, queue
    case fibonacci, factorial, primesUpTo, isPrime, gcd, fizzBuzz
    case palindrome, anagram, celsiusToFahrenheit, mergeSortedLists, bubbleSort, quickSort, mergeSort, insertionSort, sortList
    case binarySearch, linearSearch
    case reverseString, countVowels, wordFrequency, capitalizeWords
    case flatten, removeDuplicates, chunk, maximum, minimum, average, sum
    case fallback

    /// Each inner list is one alternative; all of its phrases must appear.
    private var triggers: [[String]] {
        switch self {
        case .restHandler: [["rest"], ["api"], ["endpoint*"], ["http"], ["flask"], ["handler"], ["web", "server"], ["route*"]]
        case .lruCache: [["lru"], ["least recently used"], ["cache"]]
        case .bankAccount: [["bank*"], ["account"]]
        case .linkedList: [["linked list*"], ["linkedlist"]]
        case .stack: [["stack"]]
        case .queue: [["queue"]]
        case .fibonacci: [["fibonacci"], ["fib"]]
        case .factorial: [["factorial*"]]
        case .primesUpTo: [["sieve"], ["primes", "up to"], ["primes", "below"], ["primes", "less than"], ["all", "prime*"], ["list", "prime*"], ["first", "primes"]]
        case .isPrime: [["prime*"]]
        case .gcd: [["gcd"], ["greatest common divisor"], ["hcf"]]
        case .fizzBuzz: [["fizzbuzz"], ["fizz"]]
        case .palindrome: [["palindrom*"]]
        case .anagram: [["anagram*"]]
        case .celsiusToFahrenheit: [["celsius"], ["fahrenheit"], ["temperature"]]
        case .mergeSortedLists: [["merg*", "sorted"], ["merg*", "two", "lists"]]
        case .bubbleSort: [["bubble"]]
        case .quickSort: [["quick sort"], ["quicksort"]]
        case .mergeSort: [["merge sort"], ["mergesort"]]
        case .insertionSort: [["insertion sort"]]
        case .sortList: [["sort*"]]
        case .binarySearch: [["binary search"], ["bisect*"]]
        case .linearSearch: [["linear search"], ["search*"], ["index of"], ["find", "index"]]
        case .reverseString: [["revers*"]]
        case .countVowels: [["vowel*"]]
        case .wordFrequency: [["word frequenc*"], ["word count*"], ["count*", "words"], ["frequenc*"], ["occurrence*"]]
        case .capitalizeWords: [["capitaliz*"], ["title case"]]
        case .flatten: [["flatten*"], ["nested list*"]]
        case .removeDuplicates: [["duplicat*"], ["dedup*"], ["unique"]]
        case .chunk: [["chunk*"], ["batch*"], ["split", "list", "size"]]
        case .maximum: [["max*"], ["largest"], ["biggest"]]
        case .minimum: [["min"], ["minimum"], ["smallest"]]
        case .average: [["average"], ["mean"]]
        case .sum: [["sum"], ["total"], ["add up"]]
        case .fallback: []
        }
    }

    static func match(_ request: String) -> CodeTopic {
        // "is_prime" and "bubble_sort" name their topic as much as "prime" and "bubble sort" do.
        let tokens = TextMatching.words(request.replacingOccurrences(of: "_", with: " "))
        for topic in allCases {
            let hit = topic.triggers.contains { phrases in
                phrases.allSatisfy { TextMatching.firstIndex(of: $0, in: tokens) != nil }
            }
            if hit { return topic }
        }
        return .fallback
    }

    /// The module for this topic with its primary function or class named `name` (or the default).
    func module(named requested: String?, request: CodeRequest) -> PythonModule {
        switch self {
        case .fibonacci: MathTemplates.fibonacci(requested ?? "fibonacci")
        case .factorial: MathTemplates.factorial(requested ?? "factorial")
        case .primesUpTo: MathTemplates.primesUpTo(requested ?? "primes_up_to")
        case .isPrime: MathTemplates.isPrime(requested ?? "is_prime")
        case .gcd: MathTemplates.gcd(requested ?? "gcd")
        case .fizzBuzz: MathTemplates.fizzBuzz(requested ?? "fizzbuzz")
        case .palindrome: TextTemplates.palindrome(requested ?? "is_palindrome")
        case .anagram: MoreTemplates.anagram(requested ?? "is_anagram")
        case .celsiusToFahrenheit: MoreTemplates.celsiusToFahrenheit(requested ?? "celsius_to_fahrenheit")
        case .mergeSortedLists: MoreTemplates.mergeSortedLists(requested ?? "merge_sorted_lists")
        case .lruCache: MoreTemplates.lruCache(requested ?? "LRUCache")
        case .reverseString: TextTemplates.reverse(requested ?? "reverse_string")
        case .countVowels: TextTemplates.countVowels(requested ?? "count_vowels")
        case .wordFrequency: TextTemplates.wordFrequency(requested ?? "word_frequency")
        case .capitalizeWords: TextTemplates.capitalizeWords(requested ?? "capitalize_words")
        case .bubbleSort: SortTemplates.bubbleSort(requested ?? "bubble_sort")
        case .quickSort: SortTemplates.quickSort(requested ?? "quick_sort")
        case .mergeSort: SortTemplates.mergeSort(requested ?? "merge_sort")
        case .insertionSort: SortTemplates.insertionSort(requested ?? "insertion_sort")
        case .sortList: SortTemplates.mergeSort(requested ?? "sort_list")
        case .binarySearch: SearchTemplates.binarySearch(requested ?? "binary_search")
        case .linearSearch: SearchTemplates.linearSearch(requested ?? "linear_search")
        case .flatten: ListTemplates.flatten(requested ?? "flatten")
        case .removeDuplicates: ListTemplates.removeDuplicates(requested ?? "remove_duplicates")
        case .chunk: ListTemplates.chunk(requested ?? "chunk")
        case .maximum: ListTemplates.extreme(requested ?? "find_max", largest: true)
        case .minimum: ListTemplates.extreme(requested ?? "find_min", largest: false)
        case .average: ListTemplates.average(requested ?? "average")
        case .sum: ListTemplates.sum(requested ?? "sum_numbers")
        case .stack: ClassTemplates.stack(requested ?? "Stack")
        case .queue: ClassTemplates.queue(requested ?? "Queue")
        case .bankAccount: ClassTemplates.bankAccount(requested ?? "BankAccount")
        case .linkedList: ClassTemplates.linkedList(requested ?? "LinkedList")
        case .restHandler: WebTemplates.restHandler(requested ?? "handle_request")
        case .fallback: FallbackTemplate.module(requested ?? request.derivedName, request: request.text)
        }
    }
}
