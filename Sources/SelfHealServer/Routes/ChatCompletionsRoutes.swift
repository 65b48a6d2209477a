import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SelfHealCore
import SelfHealRoles

/// OpenAI's chat completions API in front of the manager, so any OpenAI client can use
/// selfheal as a model: `model` names the task type, the last user message is the request,
/// and the answer is a `chat.completion` whose message is the generated output, with the
/// evaluation riding along in a `selfheal` field. The request goes through `Manager.handle`,
/// so it is validated, scored and logged exactly like `POST /api/v1/request`. Errors use
/// OpenAI's shape, `{"error":{"message","type","param","code"}}`, which the clients parse.
enum ChatCompletionsRoutes {
    static func add(
        to router: RouterGroup<BasicRequestContext>, manager: Manager, taskTypes: TaskTypes, limits: RequestLimits, security: SecuritySettings
    ) {
        router.post("/v1/chat/completions") { request, _ -> Response in
            try await openAIErrors {
                let body = try await JSONBody.read(request, limit: limits.bodyBytes)
                let chat = try ChatRequest.parse(body, taskTypes: taskTypes)
                var fields = body.fields.filter { ["language", "tests", "entry_point"].contains($0.key) }
                fields["user_input"] = .string(chat.userMessage)
                fields["task_type"] = .string(chat.taskType)
                let clientRequest = try ClientRequest.parse(JSONBody(fields: fields), taskTypes: taskTypes, limits: limits)
                let idempotency = try IdempotencyHeader.scope(of: request, for: clientRequest, security: security)
                let reply = try await manager.handle(clientRequest, idempotency: idempotency)
                var response = JSONResponse.make(ChatCompletion(reply.answer, model: chat.model))
                if reply.replayed { response.headers[IdempotencyHeader.replayed] = "true" }
                return response
            }
        }
        router.get("/v1/models") { _, _ -> Response in
            JSONResponse.make(ModelList(object: "list", data: taskTypes.known.map(ModelEntry.init(id:))))
        }
        router.get("/v1/models/:model") { _, context -> Response in
            try await openAIErrors {
                let name = context.parameters.get("model") ?? ""
                _ = try taskType(forModel: name, taskTypes: taskTypes)
                return JSONResponse.make(ModelEntry(id: name))
            }
        }
    }

    /// `code_generation`, or `selfheal` (the default task type), or `selfheal/<task_type>`.
    static func taskType(forModel model: String, taskTypes: TaskTypes) throws -> String {
        let name = model.hasPrefix("selfheal/") ? String(model.dropFirst("selfheal/".count)) : model
        if name == "selfheal" && taskTypes.contains(TaskTypes.codeGeneration) { return TaskTypes.codeGeneration }
        guard taskTypes.contains(name) else {
            let known = taskTypes.known.joined(separator: ", ")
            throw OpenAIError(
                .notFound, type: "invalid_request_error", param: "model", code: "model_not_found",
                message: "The model '\(model)' does not exist. selfheal's models are its task types: \(known) (also 'selfheal' or 'selfheal/<task_type>')."
            )
        }
        return name
    }

    /// Runs a handler and turns any error into OpenAI's error shape, keeping the status.
    private static func openAIErrors(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as OpenAIError {
            throw error
        } catch let error as APIError {
            throw OpenAIError(error)
        } catch let error as RoleError {
            throw OpenAIError(error.httpError)
        } catch let error as RoleFailureError {
            throw OpenAIError(error.httpError)
        } catch {
            RoleErrors.logger.error("Chat completion failed", metadata: ["error.detail": "\(error)"])
            throw OpenAIError(
                .internalServerError, type: "api_error", param: nil, code: "internal_error",
                message: "internal error; the server log has the details"
            )
        }
    }

    /// The parts of a chat request selfheal uses.
    struct ChatRequest {
        var model: String
        var taskType: String
        var userMessage: String

        static func parse(_ body: JSONBody, taskTypes: TaskTypes) throws -> ChatRequest {
            guard case .string(let model)? = body.fields["model"], !model.isEmpty else {
                throw OpenAIError.invalid("model", "model is required: a task type such as 'code_generation'")
            }
            if try body.bool("stream") == true {
                throw OpenAIError.invalid("stream", "streaming is not supported; send stream: false")
            }
            guard case .array(let messages)? = body.fields["messages"], !messages.isEmpty else {
                throw OpenAIError.invalid("messages", "messages must be a non-empty array of {role, content}")
            }
            var lastUser: String?
            for (index, message) in messages.enumerated() {
                guard case .object(let fields) = message, case .string(let role)? = fields["role"] else {
                    throw OpenAIError.invalid("messages[\(index)]", "messages[\(index)] must be an object with a string role")
                }
                guard role == "user" else { continue }
                lastUser = try text(of: fields["content"], param: "messages[\(index)].content")
            }
            guard let lastUser else {
                throw OpenAIError.invalid("messages", "messages must contain a user message: it is the request")
            }
            return ChatRequest(model: model, taskType: try ChatCompletionsRoutes.taskType(forModel: model, taskTypes: taskTypes), userMessage: lastUser)
        }

        /// A string, or an array of `{type: "text", text}` parts joined with newlines.
        private static func text(of content: JSONValue?, param: String) throws -> String {
            switch content {
            case .string(let text)?:
                return text
            case .array(let parts)?:
                return try parts.map { part in
                    guard case .object(let fields) = part, fields["type"] == .string("text"), case .string(let text)? = fields["text"] else {
                        throw OpenAIError.invalid(param, "\(param): only text parts ({\"type\":\"text\",\"text\":...}) are supported")
                    }
                    return text
                }.joined(separator: "\n")
            default:
                throw OpenAIError.invalid(param, "\(param) must be a string or an array of text parts")
            }
        }
    }

    struct ChatCompletion: Encodable {
        struct Choice: Encodable {
            struct Message: Encodable {
                var role = "assistant"
                var content: String
            }
            var index = 0
            var message: Message
            var finishReason = "stop"

            enum CodingKeys: String, CodingKey {
                case index, message
                case finishReason = "finish_reason"
            }
        }
        struct Usage: Encodable {
            var promptTokens: Int
            var completionTokens: Int
            var totalTokens: Int

            enum CodingKeys: String, CodingKey {
                case promptTokens = "prompt_tokens"
                case completionTokens = "completion_tokens"
                case totalTokens = "total_tokens"
            }
        }
        /// What selfheal adds: the evaluation and the prompt version that answered.
        struct Extra: Encodable {
            var requestId: String
            var taskType: String
            var evaluation: Evaluation
            var prompt: PromptRef
            var llm: LLMInfo
            var latencyMs: ManagerAnswer.Latency

            enum CodingKeys: String, CodingKey {
                case evaluation, prompt, llm
                case requestId = "request_id"
                case taskType = "task_type"
                case latencyMs = "latency_ms"
            }
        }
        var id: String
        var object = "chat.completion"
        var created: Int
        var model: String
        var choices: [Choice]
        var usage: Usage
        var selfheal: Extra

        init(_ answer: ManagerAnswer, model: String) {
            id = "chatcmpl-\(answer.requestId)"
            created = Int(Date().timeIntervalSince1970)
            self.model = model
            choices = [Choice(message: .init(content: answer.output))]
            usage = Usage(
                promptTokens: answer.tokens.input, completionTokens: answer.tokens.output,
                totalTokens: answer.tokens.input + answer.tokens.output
            )
            selfheal = Extra(
                requestId: answer.requestId, taskType: answer.taskType, evaluation: answer.evaluation,
                prompt: answer.prompt, llm: answer.llm, latencyMs: answer.latencyMs
            )
        }
    }

    struct ModelEntry: Encodable {
        var id: String
        var object = "model"
        var created = 0
        var ownedBy = "selfheal"

        init(id: String) { self.id = id }

        enum CodingKeys: String, CodingKey {
            case id, object, created
            case ownedBy = "owned_by"
        }
    }

    struct ModelList: Encodable {
        var object: String
        var data: [ModelEntry]
    }

    /// An error in OpenAI's shape, which the official clients turn into typed exceptions.
    struct OpenAIError: HTTPResponseError {
        var status: HTTPResponse.Status
        var type: String
        var param: String?
        var code: String
        var message: String
        var headers: HTTPFields = [:]

        init(_ status: HTTPResponse.Status, type: String, param: String?, code: String, message: String) {
            self.status = status
            self.type = type
            self.param = param
            self.code = code
            self.message = message
        }

        /// The pipeline's error, same status, same code, OpenAI's shape.
        init(_ error: APIError) {
            let type = switch error.status.code {
            case 401, 403: "authentication_error"
            case 429: "rate_limit_error"
            case 500...: "api_error"
            default: "invalid_request_error"
            }
            // "user_input: must not be empty" names its field first; here that field is the
            // user message.
            var param = error.code == "invalid_field" ? error.message.split(separator: ":").first.map(String.init) : nil
            if param == "user_input" { param = "messages" }
            self.init(error.status, type: type, param: param, code: error.code, message: error.message)
            headers = error.headers
        }

        static func invalid(_ param: String, _ message: String) -> OpenAIError {
            OpenAIError(.badRequest, type: "invalid_request_error", param: param, code: "invalid_request", message: message)
        }

        func response(from request: Request, context: some RequestContext) throws -> Response {
            var response = JSONResponse.make(Body(error: .init(message: message, type: type, param: param, code: code)), status: status)
            response.headers.append(contentsOf: headers)
            return response
        }

        struct Body: Encodable {
            struct Detail: Encodable {
                var message: String
                var type: String
                var param: String?
                var code: String

                func encode(to encoder: any Encoder) throws {
                    // OpenAI always sends `param`, as null when no parameter is at fault.
                    var container = encoder.container(keyedBy: CodingKeys.self)
                    try container.encode(message, forKey: .message)
                    try container.encode(type, forKey: .type)
                    try container.encode(param, forKey: .param)
                    try container.encode(code, forKey: .code)
                }

                enum CodingKeys: String, CodingKey { case message, type, param, code }
            }
            var error: Detail
        }
    }
}
