import SelfHealCore
import Testing

@Suite("Code extraction: the fenced blocks of an answer, else the whole answer")
struct CodeExtractionTests {
    @Test("without a fence the whole answer is the code, trimmed")
    func noFence() {
        #expect(CodeExtraction.code(from: "  def f():\n    return 1 \n\n") == "def f():\n    return 1")
        #expect(CodeExtraction.code(from: " \n ") == "")
    }

    @Test("the fenced block's lines, without the prose around it; an indented fence counts")
    func oneBlock() {
        let answer = "Here it is:\n```python\ndef f():\n    return 1\n```\nIt returns 1."
        #expect(CodeExtraction.code(from: answer, language: "python") == "def f():\n    return 1")
        #expect(CodeExtraction.code(from: "Sure.\n   ```\nx = 1\n   ```\n") == "x = 1")
    }

    @Test("the blocks tagged with the language (py for python, any case) win; without one, every block")
    func tags() {
        let answer = "```bash\npip install x\n```\ntext\n```Python\nimport x\n```\n```py\nx.run()\n```"
        #expect(CodeExtraction.code(from: answer, language: "python") == "import x\n\nx.run()")
        #expect(CodeExtraction.code(from: answer, language: "PYTHON") == "import x\n\nx.run()")
        #expect(CodeExtraction.code(from: answer) == "pip install x\n\nimport x\n\nx.run()")
        #expect(CodeExtraction.code(from: answer, language: "rust") == "pip install x\n\nimport x\n\nx.run()")
    }

    @Test("a block left open at the end counts when it has lines; an empty block is empty code")
    func openAndEmptyBlocks() {
        #expect(CodeExtraction.code(from: "```python\ndef f():\n    pass") == "def f():\n    pass")
        #expect(CodeExtraction.code(from: "Nothing:\n```\n```\n") == "")
        #expect(CodeExtraction.code(from: "text\n```python") == "text\n```python")
    }

    @Test("an answer with Windows line ends (\\r\\n) gives its code with \\n line ends")
    func crlf() {
        let answer = "Here:\r\n```python\r\ndef f():\r\n    return 1\r\n```\r\nDone.\r\n"
        #expect(CodeExtraction.code(from: answer, language: "python") == "def f():\n    return 1")
    }

    @Test("text beyond ASCII comes through unchanged")
    func unicode() {
        let answer = "```python\nprint('héllo — 👍🏽')\n# 日本語\n```"
        #expect(CodeExtraction.code(from: answer, language: "python") == "print('héllo — 👍🏽')\n# 日本語")
    }
}
