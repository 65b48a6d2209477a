/// The request and response shapes of the OpenAPI document, as JSON fragments.
enum OpenAPISchemas {
    static let components = """
    {
      "securitySchemes": {
        "bearer": {"type": "http", "scheme": "bearer", "description": "SELFHEAL_API_KEYS (clients), SELFHEAL_ADMIN_TOKEN (prompt admin), SELFHEAL_SERVICE_TOKEN (role to role). Not needed when the server runs with no token configured (loopback only)."}
      },
      "schemas": {
        "Error": {
          "type": "object", "required": ["error"],
          "properties": {"error": {"type": "object", "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}
        },
        "ClientRequest": {
          "type": "object", "required": ["user_input"],
          "properties": {
            "user_input": {"type": "string", "minLength": 1, "maxLength": 32768},
            "task_type": {"type": "string", "enum": ["code_generation", "test_generation", "code_review"], "default": "code_generation"},
            "language": {"type": "string", "enum": ["python", "javascript", "typescript", "java", "go", "rust", "cpp", "csharp", "c", "ruby", "php", "kotlin", "swift", "bash", "sql"]},
            "tests": {"type": "string", "maxLength": 131072},
            "entry_point": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$", "maxLength": 128}
          }
        },
        "GenerateRequest": {
          "type": "object", "required": ["task_type", "user_input"],
          "properties": {
            "task_type": {"type": "string"}, "user_input": {"type": "string"}, "language": {"type": "string"},
            "request_id": {"type": "string"}, "prompt_id": {"type": "integer"}
          }
        },
        "EvaluateRequest": {
          "type": "object", "required": ["task_type", "user_input", "output"],
          "properties": {
            "task_type": {"type": "string"}, "user_input": {"type": "string"}, "output": {"type": "string"},
            "language": {"type": "string"}, "tests": {"type": "string"}, "entry_point": {"type": "string"}
          }
        },
        "PromptRef": {
          "type": "object", "properties": {"id": {"type": "integer"}, "version": {"type": "integer"}, "status": {"type": "string"}}
        },
        "Prompt": {
          "type": "object",
          "properties": {
            "id": {"type": "integer"}, "task_type": {"type": "string"}, "version": {"type": "integer"}, "text": {"type": "string"},
            "status": {"type": "string", "enum": ["candidate", "canary", "active", "retired", "rejected", "rolled_back"]},
            "parent_id": {"type": ["integer", "null"]}, "author": {"type": "string", "enum": ["seed", "operator", "optimizer"]},
            "reason": {"type": ["string", "null"]}, "evidence": {"type": "array", "items": {"type": "integer"}},
            "created_at": {"type": "string", "format": "date-time"}
          }
        },
        "NewPrompt": {
          "type": "object", "required": ["task_type", "text"],
          "properties": {
            "task_type": {"type": "string"}, "text": {"type": "string", "minLength": 1},
            "status": {"type": "string", "enum": ["active", "canary"], "default": "active"}, "reason": {"type": "string"}
          }
        },
        "Rollback": {
          "type": "object", "required": ["task_type"],
          "properties": {"task_type": {"type": "string"}, "reason": {"type": "string"}}
        },
        "Evaluation": {
          "type": "object",
          "properties": {
            "rule_score": {"type": ["number", "null"]}, "judge_score": {"type": ["number", "null"]},
            "final_score": {"type": "number"}, "passed": {"type": "boolean"}, "threshold": {"type": "number"},
            "weights": {"type": "object", "properties": {"rules": {"type": "number"}, "judge": {"type": "number"}}},
            "rules": {"type": "array", "items": {"type": "object", "properties": {
              "name": {"type": "string"}, "weight": {"type": "number"}, "score": {"type": "number"}, "reason": {"type": "string"}, "required": {"type": "boolean"}}}},
            "judge": {"type": "object", "properties": {"score": {"type": ["number", "null"]}, "feedback": {"type": "string"}, "available": {"type": "boolean"}, "confidence": {"type": "number", "minimum": 0, "maximum": 1}}},
            "exec": {"type": ["object", "null"]}, "rules_version": {"type": "string"},
            "failed_required": {"type": "array", "items": {"type": "string"}}, "verdict_reason": {"type": "string"}
          }
        },
        "Answer": {
          "type": "object",
          "properties": {
            "request_id": {"type": "string"}, "task_type": {"type": "string"}, "language": {"type": "string"},
            "output": {"type": "string"}, "code": {"type": "string"}, "evaluation": {"$ref": "#/components/schemas/Evaluation"},
            "prompt": {"$ref": "#/components/schemas/PromptRef"},
            "latency_ms": {"type": "object", "properties": {"total": {"type": "number"}, "worker": {"type": "number"}, "evaluator": {"type": "number"}}},
            "llm": {"type": "object", "properties": {"provider": {"type": "string"}, "model": {"type": "string"}}},
            "tokens": {"type": "object", "properties": {"input": {"type": "integer"}, "output": {"type": "integer"}}}
          }
        },
        "ChatCompletionRequest": {
          "type": "object", "required": ["model", "messages"],
          "properties": {
            "model": {"type": "string", "description": "the task type, e.g. code_generation"},
            "messages": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["role", "content"],
              "properties": {"role": {"type": "string"}, "content": {"type": "string"}}}},
            "stream": {"type": "boolean"}
          }
        },
        "Object": {"type": "object"}
      }
    }
    """
}
