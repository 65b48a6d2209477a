public import Foundation

/// Where a prompt version is in its life. Stored as the raw value.
public enum PromptStatus: String, Codable, Sendable, CaseIterable {
    case candidate
    case canary
    case active
    case retired
    case rejected
    case rolledBack = "rolled_back"
}

/// Who wrote a prompt version.
public enum PromptAuthor: String, Codable, Sendable {
    case seed
    case `operator`
    case optimizer
}

/// One version of the prompt for a task type, with its lineage.
public struct PromptVersion: Codable, Sendable, Equatable {
    public var id: Int64
    public var taskType: String
    public var version: Int
    public var text: String
    public var status: PromptStatus
    public var parentId: Int64?
    public var author: PromptAuthor
    public var reason: String?
    /// Execution log ids whose failures motivated this version (optimizer-written versions).
    public var evidence: [Int64]
    public var createdAt: Date

    public init(
        id: Int64, taskType: String, version: Int, text: String, status: PromptStatus,
        parentId: Int64?, author: PromptAuthor, reason: String?, evidence: [Int64] = [], createdAt: Date
    ) {
        self.id = id
        self.taskType = taskType
        self.version = version
        self.text = text
        self.status = status
        self.parentId = parentId
        self.author = author
        self.reason = reason
        self.evidence = evidence
        self.createdAt = createdAt
    }

    public var ref: PromptRef { PromptRef(id: id, version: version, status: status) }

    enum CodingKeys: String, CodingKey {
        case id, version, text, status, author, reason, evidence
        case taskType = "task_type"
        case parentId = "parent_id"
        case createdAt = "created_at"
    }
}

/// The short form of a prompt version that rides along with every answer.
public struct PromptRef: Codable, Sendable, Equatable {
    public var id: Int64
    public var version: Int
    public var status: PromptStatus

    public init(id: Int64, version: Int, status: PromptStatus) {
        self.id = id
        self.version = version
        self.status = status
    }
}

/// What a caller asks the store to write as a new prompt version.
public struct NewPrompt: Sendable, Equatable {
    public var taskType: String
    public var text: String
    public var status: PromptStatus
    public var author: PromptAuthor
    public var reason: String?
    /// When nil the store uses the version that is active at write time.
    public var parentId: Int64?
    public var evidence: [Int64]

    public init(
        taskType: String, text: String, status: PromptStatus, author: PromptAuthor,
        reason: String? = nil, parentId: Int64? = nil, evidence: [Int64] = []
    ) {
        self.taskType = taskType
        self.text = text
        self.status = status
        self.author = author
        self.reason = reason
        self.parentId = parentId
        self.evidence = evidence
    }
}

/// One entry of a version's status history.
public struct PromptStatusChange: Codable, Sendable, Equatable {
    public var promptId: Int64
    public var status: PromptStatus
    public var reason: String?
    public var at: Date

    public init(promptId: Int64, status: PromptStatus, reason: String?, at: Date) {
        self.promptId = promptId
        self.status = status
        self.reason = reason
        self.at = at
    }

    enum CodingKeys: String, CodingKey {
        case status, reason, at
        case promptId = "prompt_id"
    }
}
