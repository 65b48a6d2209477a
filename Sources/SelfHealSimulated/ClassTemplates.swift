/// Small classes: Stack, Queue, BankAccount, LinkedList.
enum ClassTemplates {
    static func stack(_ name: String) -> PythonModule {
        let type = PythonClass(name: name, base: nil, summary: "A last-in, first-out stack backed by a list.", methods: [
            PythonFunction(name: "__init__", parameters: [], returnType: "None", summary: "Create an empty stack.",
                           body: ["self._items⟪: list[Any]⟫ = []"]),
            PythonFunction(name: "push", parameters: [PythonParameter("item", "Any", "The value to put on top.")], returnType: "None",
                           summary: "Put item on top of the stack.", body: ["self._items.append(item)"]),
            PythonFunction(name: "pop", parameters: [], returnType: "Any", summary: "Remove and return the top item.",
                           returnsDoc: "The most recently pushed item.", raisesDoc: ["IndexError: If the stack is empty."],
                           validation: ["if not self._items:", "    raise IndexError(\"pop from an empty stack\")"],
                           body: ["return self._items.pop()"]),
            PythonFunction(name: "peek", parameters: [], returnType: "Any", summary: "Return the top item without removing it.",
                           returnsDoc: "The most recently pushed item.", raisesDoc: ["IndexError: If the stack is empty."],
                           validation: ["if not self._items:", "    raise IndexError(\"peek at an empty stack\")"],
                           body: ["return self._items[-1]"]),
            PythonFunction(name: "is_empty", parameters: [], returnType: "bool", summary: "Return True if the stack holds no items.",
                           body: ["return not self._items"]),
            PythonFunction(name: "__len__", parameters: [], returnType: "int", summary: "Return the number of items.",
                           body: ["return len(self._items)"]),
        ])
        return PythonModule(
            definitions: [.class(type)], primaryName: name,
            examples: [.init("stack = \(name)()"), .init("stack.push(1)"), .init("stack.push(2)"), .init("stack.pop()", "2"), .init("len(stack)", "1")],
            invalidCalls: [.init("\(name)().pop()", raises: "IndexError")],
            summary: "Here is a list-backed stack class."
        )
    }

    static func queue(_ name: String) -> PythonModule {
        let type = PythonClass(name: name, base: nil, summary: "A first-in, first-out queue backed by collections.deque.", methods: [
            PythonFunction(name: "__init__", parameters: [], returnType: "None", summary: "Create an empty queue.",
                           body: ["self._items⟪: deque[Any]⟫ = deque()"]),
            PythonFunction(name: "enqueue", parameters: [PythonParameter("item", "Any", "The value to add at the back.")], returnType: "None",
                           summary: "Add item at the back of the queue.", body: ["self._items.append(item)"]),
            PythonFunction(name: "dequeue", parameters: [], returnType: "Any", summary: "Remove and return the front item.",
                           returnsDoc: "The oldest item.", raisesDoc: ["IndexError: If the queue is empty."],
                           validation: ["if not self._items:", "    raise IndexError(\"dequeue from an empty queue\")"],
                           body: ["return self._items.popleft()"]),
            PythonFunction(name: "is_empty", parameters: [], returnType: "bool", summary: "Return True if the queue holds no items.",
                           body: ["return not self._items"]),
            PythonFunction(name: "__len__", parameters: [], returnType: "int", summary: "Return the number of items.",
                           body: ["return len(self._items)"]),
        ])
        return PythonModule(
            imports: ["from collections import deque"], definitions: [.class(type)], primaryName: name,
            examples: [.init("queue = \(name)()"), .init("queue.enqueue(\"a\")"), .init("queue.enqueue(\"b\")"), .init("queue.dequeue()", "'a'"), .init("len(queue)", "1")],
            invalidCalls: [.init("\(name)().dequeue()", raises: "IndexError")],
            summary: "Here is a queue class with O(1) enqueue and dequeue."
        )
    }

    static func bankAccount(_ name: String) -> PythonModule {
        let amountGuard = [
            "if not isinstance(amount, (int, float)) or isinstance(amount, bool):",
            "    raise TypeError(\"amount must be a number\")",
            "if amount <= 0:",
            "    raise ValueError(f\"amount must be positive, got {amount}\")",
        ]
        let amount = PythonParameter("amount", "float", "A positive amount of money.")
        let type = PythonClass(name: name, base: nil, summary: "A bank account that tracks its owner and balance.", methods: [
            PythonFunction(name: "__init__", parameters: [PythonParameter("owner", "str", "The account holder's name."),
                                                         PythonParameter("balance", "float", "The opening balance.", default: "0.0")],
                           returnType: "None", summary: "Open an account for owner with an opening balance.",
                           raisesDoc: ["ValueError: If the opening balance is negative."],
                           validation: ["if balance < 0:", "    raise ValueError(\"opening balance must not be negative\")"],
                           body: ["self.owner = owner", "self.balance = balance"]),
            PythonFunction(name: "deposit", parameters: [amount], returnType: "float", summary: "Add amount to the balance.",
                           returnsDoc: "The new balance.", raisesDoc: ["TypeError: If amount is not a number.", "ValueError: If amount is not positive."],
                           validation: amountGuard, body: ["self.balance += amount", "return self.balance"]),
            PythonFunction(name: "withdraw", parameters: [amount], returnType: "float", summary: "Take amount out of the balance.",
                           returnsDoc: "The new balance.",
                           raisesDoc: ["TypeError: If amount is not a number.", "ValueError: If amount is not positive or exceeds the balance."],
                           validation: amountGuard,
                           body: ["if amount > self.balance:", "    raise ValueError(\"insufficient funds\")", "self.balance -= amount", "return self.balance"]),
        ])
        return PythonModule(
            definitions: [.class(type)], primaryName: name,
            examples: [.init("account = \(name)(\"Ada\", 100)"), .init("account.deposit(50)", "150"), .init("account.withdraw(30)", "120")],
            invalidCalls: [.init("\(name)(\"Ada\").deposit(-5)", raises: "ValueError")],
            summary: "Here is a bank account class that refuses overdrafts."
        )
    }

    static func linkedList(_ name: String) -> PythonModule {
        let node = PythonClass(name: "Node", base: nil, summary: "One element of a singly linked list.", methods: [
            PythonFunction(name: "__init__", parameters: [PythonParameter("value", "Any", "The stored value.")], returnType: "None",
                           summary: "Create a node holding value.", body: ["self.value = value", "self.next⟪: Node | None⟫ = None"]),
        ])
        let list = PythonClass(name: name, base: nil, summary: "A singly linked list with append, prepend, find and remove.", methods: [
            PythonFunction(name: "__init__", parameters: [], returnType: "None", summary: "Create an empty list.",
                           body: ["self.head⟪: Node | None⟫ = None", "self._size = 0"]),
            PythonFunction(name: "append", parameters: [PythonParameter("value", "Any", "The value to add at the end.")], returnType: "None",
                           summary: "Add value at the end of the list.",
                           body: ["node = Node(value)", "self._size += 1", "if self.head is None:", "    self.head = node", "    return",
                                  "current = self.head", "while current.next is not None:", "    current = current.next", "current.next = node"]),
            PythonFunction(name: "prepend", parameters: [PythonParameter("value", "Any", "The value to add at the front.")], returnType: "None",
                           summary: "Add value at the front of the list.",
                           body: ["node = Node(value)", "node.next = self.head", "self.head = node", "self._size += 1"]),
            PythonFunction(name: "find", parameters: [PythonParameter("value", "Any", "The value to look for.")], returnType: "bool",
                           summary: "Return True if value is in the list.",
                           body: ["current = self.head", "while current is not None:", "    if current.value == value:", "        return True",
                                  "    current = current.next", "return False"]),
            PythonFunction(name: "remove", parameters: [PythonParameter("value", "Any", "The value to remove.")], returnType: "None",
                           summary: "Remove the first node holding value.", raisesDoc: ["ValueError: If value is not in the list."],
                           body: ["previous = None", "current = self.head", "while current is not None:", "    if current.value == value:",
                                  "        if previous is None:", "            self.head = current.next", "        else:",
                                  "            previous.next = current.next", "        self._size -= 1", "        return",
                                  "    previous, current = current, current.next", "raise ValueError(f\"{value!r} is not in the list\")"]),
            PythonFunction(name: "to_list", parameters: [], returnType: "list[Any]", summary: "Return the values in order as a Python list.",
                           body: ["values = []", "current = self.head", "while current is not None:", "    values.append(current.value)",
                                  "    current = current.next", "return values"]),
            PythonFunction(name: "__len__", parameters: [], returnType: "int", summary: "Return the number of nodes.", body: ["return self._size"]),
        ])
        return PythonModule(
            imports: ["from __future__ import annotations"], definitions: [.class(node), .class(list)], primaryName: name,
            examples: [.init("items = \(name)()"), .init("items.append(2)"), .init("items.prepend(1)"), .init("items.to_list()", "[1, 2]"), .init("items.find(3)", "False")],
            invalidCalls: [.init("\(name)().remove(1)", raises: "ValueError")],
            summary: "Here is a singly linked list with a small node class."
        )
    }
}
