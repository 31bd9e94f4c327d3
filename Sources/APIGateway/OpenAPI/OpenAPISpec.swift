/// The OpenAPI 3.1 document of the gateway, hand-maintained next to the routes (see docs/api-gateway.md for why
/// it is not generated); `OpenAPISyncTests` fails when a route is missing here or a path here has no route.
enum OpenAPISpec {
    static let json = #"""
{
 "openapi": "3.1.0",
 "info": {
  "title": "SCADA api-gateway",
  "version": "1.0.0",
  "description": "REST, live streams, commands and alarm actions. Errors are RFC 9457 problems (application/problem+json) with a stable type per kind: urn:scada:problem:<kind>."
 },
 "servers": [
  {
   "url": "/"
  }
 ],
 "security": [
  {
   "bearer": []
  }
 ],
 "components": {
  "securitySchemes": {
   "bearer": {
    "type": "http",
    "scheme": "bearer",
    "description": "A static API token (SCADA_API_TOKENS) or a JWT (HS256/RS256)"
   }
  },
  "responses": {
   "Problem": {
    "description": "an RFC 9457 problem",
    "content": {
     "application/problem+json": {
      "schema": {
       "$ref": "#/components/schemas/Problem"
      }
     }
    }
   }
  },
  "schemas": {
   "Problem": {
    "type": "object",
    "required": [
     "type",
     "title",
     "status",
     "detail"
    ],
    "properties": {
     "type": {
      "type": "string"
     },
     "title": {
      "type": "string"
     },
     "status": {
      "type": "integer"
     },
     "detail": {
      "type": "string"
     },
     "instance": {
      "type": "string"
     },
     "parameter": {
      "type": "string"
     }
    }
   },
   "Device": {
    "type": "object",
    "required": [
     "device_id",
     "status",
     "completeness"
    ],
    "properties": {
     "device_id": {
      "type": "string"
     },
     "device_type": {
      "type": [
       "string",
       "null"
      ]
     },
     "site": {
      "type": [
       "string",
       "null"
      ]
     },
     "line": {
      "type": [
       "string",
       "null"
      ]
     },
     "online": {
      "type": [
       "boolean",
       "null"
      ]
     },
     "status": {
      "type": "string"
     },
     "status_since": {
      "type": [
       "integer",
       "null"
      ]
     },
     "first_seen": {
      "type": [
       "integer",
       "null"
      ]
     },
     "last_seen": {
      "type": [
       "integer",
       "null"
      ]
     },
     "messages": {
      "type": [
       "integer",
       "null"
      ]
     },
     "completeness": {
      "type": "object",
      "required": [
       "stored",
       "duplicates"
      ],
      "properties": {
       "seq_min": {
        "type": [
         "integer",
         "null"
        ]
       },
       "seq_max": {
        "type": [
         "integer",
         "null"
        ]
       },
       "expected": {
        "type": [
         "integer",
         "null"
        ]
       },
       "missing": {
        "type": [
         "integer",
         "null"
        ]
       },
       "stored": {
        "type": "integer"
       },
       "duplicates": {
        "type": "integer"
       },
       "ratio": {
        "type": [
         "number",
         "null"
        ]
       }
      }
     }
    }
   },
   "DeviceDetail": {
    "type": "object",
    "required": [
     "device_id",
     "status",
     "completeness",
     "last_values"
    ],
    "properties": {
     "device_id": {
      "type": "string"
     },
     "device_type": {
      "type": [
       "string",
       "null"
      ]
     },
     "site": {
      "type": [
       "string",
       "null"
      ]
     },
     "line": {
      "type": [
       "string",
       "null"
      ]
     },
     "online": {
      "type": [
       "boolean",
       "null"
      ]
     },
     "status": {
      "type": "string"
     },
     "status_since": {
      "type": [
       "integer",
       "null"
      ]
     },
     "first_seen": {
      "type": [
       "integer",
       "null"
      ]
     },
     "last_seen": {
      "type": [
       "integer",
       "null"
      ]
     },
     "messages": {
      "type": [
       "integer",
       "null"
      ]
     },
     "completeness": {
      "type": "object",
      "required": [
       "stored",
       "duplicates"
      ],
      "properties": {
       "seq_min": {
        "type": [
         "integer",
         "null"
        ]
       },
       "seq_max": {
        "type": [
         "integer",
         "null"
        ]
       },
       "expected": {
        "type": [
         "integer",
         "null"
        ]
       },
       "missing": {
        "type": [
         "integer",
         "null"
        ]
       },
       "stored": {
        "type": "integer"
       },
       "duplicates": {
        "type": "integer"
       },
       "ratio": {
        "type": [
         "number",
         "null"
        ]
       }
      }
     },
     "last_values": {
      "type": "object",
      "additionalProperties": {
       "type": "number"
      }
     },
     "last_values_at": {
      "type": [
       "integer",
       "null"
      ]
     },
     "source_topic": {
      "type": [
       "string",
       "null"
      ]
     }
    }
   },
   "Latest": {
    "type": "object",
    "required": [
     "device_id",
     "device_type",
     "status",
     "metrics",
     "states"
    ],
    "properties": {
     "device_id": {
      "type": "string"
     },
     "device_type": {
      "type": "string"
     },
     "site": {
      "type": [
       "string",
       "null"
      ]
     },
     "line": {
      "type": [
       "string",
       "null"
      ]
     },
     "online": {
      "type": [
       "boolean",
       "null"
      ]
     },
     "status": {
      "type": "string"
     },
     "event_time": {
      "type": [
       "integer",
       "null"
      ]
     },
     "receive_time": {
      "type": [
       "integer",
       "null"
      ]
     },
     "seq": {
      "type": [
       "integer",
       "null"
      ]
     },
     "metrics": {
      "type": "object",
      "additionalProperties": {
       "type": [
        "number",
        "null"
       ]
      }
     },
     "states": {
      "type": "object"
     },
     "source_topic": {
      "type": [
       "string",
       "null"
      ]
     }
    }
   },
   "History": {
    "type": "object",
    "required": [
     "device_id",
     "resolution",
     "from",
     "to",
     "count",
     "points",
     "next_cursor"
    ],
    "properties": {
     "device_id": {
      "type": "string"
     },
     "metric": {
      "type": [
       "string",
       "null"
      ]
     },
     "resolution": {
      "type": "string",
      "enum": [
       "raw",
       "1m",
       "1h"
      ]
     },
     "from": {
      "type": "integer"
     },
     "to": {
      "type": "integer"
     },
     "count": {
      "type": "integer"
     },
     "next_cursor": {
      "type": [
       "string",
       "null"
      ]
     },
     "points": {
      "type": "array",
      "items": {
       "type": "object",
       "required": [
        "t",
        "time"
       ],
       "properties": {
        "t": {
         "type": "integer"
        },
        "time": {
         "type": "string"
        },
        "samples": {
         "type": "integer"
        },
        "values": {
         "type": "object"
        },
        "stats": {
         "type": "object"
        }
       }
      }
     }
    }
   },
   "Command": {
    "type": "object",
    "required": [
     "command_id",
     "device_id",
     "command",
     "status"
    ],
    "properties": {
     "command_id": {
      "type": "string"
     },
     "device_id": {
      "type": "string"
     },
     "command": {
      "type": "string"
     },
     "params": {
      "type": "object"
     },
     "topic": {
      "type": "string"
     },
     "user": {
      "type": "string"
     },
     "role": {
      "type": "string"
     },
     "requested_at": {
      "type": "integer"
     },
     "status": {
      "type": "string"
     },
     "ack": {
      "type": "object"
     }
    }
   },
   "Alert": {
    "type": "object",
    "required": [
     "alert_id",
     "device_id",
     "rule",
     "severity",
     "state",
     "active",
     "acknowledged",
     "event_time",
     "sequence",
     "actions"
    ],
    "properties": {
     "alert_id": {
      "type": "string"
     },
     "device_id": {
      "type": "string"
     },
     "rule": {
      "type": "string"
     },
     "metric": {
      "type": [
       "string",
       "null"
      ]
     },
     "severity": {
      "type": "string",
      "enum": [
       "info",
       "warning",
       "critical"
      ]
     },
     "priority": {
      "type": [
       "integer",
       "null"
      ]
     },
     "state": {
      "type": "string",
      "enum": [
       "normal",
       "active_unacknowledged",
       "active_acknowledged",
       "returned_unacknowledged",
       "shelved",
       "suppressed"
      ]
     },
     "transition": {
      "type": [
       "string",
       "null"
      ]
     },
     "active": {
      "type": "boolean"
     },
     "acknowledged": {
      "type": "boolean"
     },
     "value": {
      "type": [
       "number",
       "null"
      ]
     },
     "threshold": {
      "type": [
       "number",
       "null"
      ]
     },
     "message": {
      "type": "string"
     },
     "event_time": {
      "type": "integer"
     },
     "sequence": {
      "type": "integer"
     },
     "shelved_until": {
      "type": [
       "integer",
       "null"
      ]
     },
     "actions": {
      "type": "array",
      "items": {
       "type": "object",
       "required": [
        "action",
        "user",
        "at"
       ],
       "properties": {
        "action": {
         "type": "string",
         "enum": [
          "acknowledge",
          "shelve",
          "unshelve"
         ]
        },
        "user": {
         "type": "string"
        },
        "comment": {
         "type": [
          "string",
          "null"
         ]
        },
        "at": {
         "type": "integer"
        },
        "expires_at": {
         "type": [
          "integer",
          "null"
         ]
        },
        "request_id": {
         "type": [
          "string",
          "null"
         ]
        }
       }
      }
     }
    }
   },
   "AlertDetail": {
    "type": "object",
    "required": [
     "alert_id",
     "transitions"
    ],
    "properties": {
     "alert_id": {
      "type": "string"
     },
     "actions": {
      "type": "array",
      "items": {
       "type": "object",
       "required": [
        "action",
        "user",
        "at"
       ],
       "properties": {
        "action": {
         "type": "string",
         "enum": [
          "acknowledge",
          "shelve",
          "unshelve"
         ]
        },
        "user": {
         "type": "string"
        },
        "comment": {
         "type": [
          "string",
          "null"
         ]
        },
        "at": {
         "type": "integer"
        },
        "expires_at": {
         "type": [
          "integer",
          "null"
         ]
        },
        "request_id": {
         "type": [
          "string",
          "null"
         ]
        }
       }
      }
     },
     "transitions": {
      "type": "array",
      "items": {
       "type": "object"
      }
     }
    }
   },
   "AlertActionResult": {
    "type": "object",
    "required": [
     "request_id",
     "alert_id",
     "state",
     "actions"
    ],
    "properties": {
     "request_id": {
      "type": "string"
     },
     "alert_id": {
      "type": "string"
     },
     "device_id": {
      "type": "string"
     },
     "rule": {
      "type": "string"
     },
     "metric": {
      "type": [
       "string",
       "null"
      ]
     },
     "severity": {
      "type": "string",
      "enum": [
       "info",
       "warning",
       "critical"
      ]
     },
     "priority": {
      "type": [
       "integer",
       "null"
      ]
     },
     "state": {
      "type": "string",
      "enum": [
       "normal",
       "active_unacknowledged",
       "active_acknowledged",
       "returned_unacknowledged",
       "shelved",
       "suppressed"
      ]
     },
     "transition": {
      "type": [
       "string",
       "null"
      ]
     },
     "active": {
      "type": "boolean"
     },
     "acknowledged": {
      "type": "boolean"
     },
     "value": {
      "type": [
       "number",
       "null"
      ]
     },
     "threshold": {
      "type": [
       "number",
       "null"
      ]
     },
     "message": {
      "type": "string"
     },
     "event_time": {
      "type": "integer"
     },
     "sequence": {
      "type": "integer"
     },
     "shelved_until": {
      "type": [
       "integer",
       "null"
      ]
     },
     "actions": {
      "type": "array",
      "items": {
       "type": "object",
       "required": [
        "action",
        "user",
        "at"
       ],
       "properties": {
        "action": {
         "type": "string",
         "enum": [
          "acknowledge",
          "shelve",
          "unshelve"
         ]
        },
        "user": {
         "type": "string"
        },
        "comment": {
         "type": [
          "string",
          "null"
         ]
        },
        "at": {
         "type": "integer"
        },
        "expires_at": {
         "type": [
          "integer",
          "null"
         ]
        },
        "request_id": {
         "type": [
          "string",
          "null"
         ]
        }
       }
      }
     }
    }
   },
   "AlertActionPending": {
    "type": "object",
    "required": [
     "request_id",
     "alert_id",
     "action",
     "status"
    ],
    "properties": {
     "request_id": {
      "type": "string"
     },
     "alert_id": {
      "type": "string"
     },
     "action": {
      "type": "string"
     },
     "status": {
      "type": "string",
      "const": "pending"
     }
    }
   },
   "DeadLetter": {
    "type": "object",
    "required": [
     "id",
     "reason",
     "rejected_at",
     "partition",
     "offset",
     "payload_bytes"
    ],
    "properties": {
     "id": {
      "type": "integer"
     },
     "reason": {
      "type": "string"
     },
     "detail": {
      "type": [
       "string",
       "null"
      ]
     },
     "source": {
      "type": [
       "string",
       "null"
      ]
     },
     "service": {
      "type": [
       "string",
       "null"
      ]
     },
     "rejected_at": {
      "type": "integer"
     },
     "key": {
      "type": [
       "string",
       "null"
      ]
     },
     "partition": {
      "type": "integer"
     },
     "offset": {
      "type": "integer"
     },
     "payload_bytes": {
      "type": "integer"
     },
     "payload": {
      "type": "string"
     },
     "payload_base64": {
      "type": "string"
     }
    }
   }
  }
 },
 "paths": {
  "/": {
   "get": {
    "summary": "The operator HMI (HTML page; static, no authentication: the page signs in with a token)",
    "tags": [
     "hmi"
    ],
    "operationId": "hmiIndex",
    "responses": {
     "200": {
      "description": "the page",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "304": {
      "description": "not modified (If-None-Match matched the ETag)"
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "security": []
   }
  },
  "/hmi/{file}": {
   "get": {
    "summary": "A static file of the HMI (script, style sheet, icon)",
    "tags": [
     "hmi"
    ],
    "operationId": "hmiAsset",
    "parameters": [
     {
      "name": "file",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 200
      }
     }
    ],
    "responses": {
     "200": {
      "description": "the file (text/javascript, text/css, image/svg+xml)",
      "content": {
       "*/*": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "304": {
      "description": "not modified (If-None-Match matched the ETag)"
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "security": []
   }
  },
  "/api/v1/me": {
   "get": {
    "summary": "The caller: subject, role and how it authenticated",
    "tags": [
     "meta"
    ],
    "operationId": "me",
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "subject",
          "role",
          "method"
         ],
         "properties": {
          "subject": {
           "type": "string"
          },
          "role": {
           "type": "string",
           "enum": [
            "viewer",
            "operator",
            "admin"
           ]
          },
          "method": {
           "type": "string",
           "enum": [
            "token",
            "jwt"
           ]
          }
         }
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/healthz": {
   "get": {
    "summary": "Liveness",
    "tags": [
     "ops"
    ],
    "operationId": "healthz",
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "security": []
   }
  },
  "/readyz": {
   "get": {
    "summary": "Readiness: HTTP, Kafka, MongoDB, MQTT, views",
    "tags": [
     "ops"
    ],
    "operationId": "readyz",
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "503": {
      "description": "not ready",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "security": []
   }
  },
  "/metrics": {
   "get": {
    "summary": "Prometheus metrics",
    "tags": [
     "ops"
    ],
    "operationId": "metrics",
    "responses": {
     "200": {
      "description": "text exposition",
      "content": {
       "text/plain": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "security": []
   }
  },
  "/api/v1/openapi.json": {
   "get": {
    "summary": "This document",
    "tags": [
     "meta"
    ],
    "operationId": "openapi",
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "security": []
   }
  },
  "/api/v1/devices": {
   "get": {
    "summary": "Devices, filtered",
    "tags": [
     "devices"
    ],
    "operationId": "listDevices",
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "items",
          "count",
          "next_cursor"
         ],
         "properties": {
          "items": {
           "type": "array",
           "items": {
            "$ref": "#/components/schemas/Device"
           }
          },
          "count": {
           "type": "integer"
          },
          "next_cursor": {
           "type": [
            "string",
            "null"
           ]
          }
         }
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "parameters": [
     {
      "name": "type",
      "in": "query",
      "required": false,
      "description": "device type",
      "schema": {
       "type": "string",
       "minLength": 1
      }
     },
     {
      "name": "site",
      "in": "query",
      "required": false,
      "description": "site",
      "schema": {
       "type": "string",
       "minLength": 1
      }
     },
     {
      "name": "line",
      "in": "query",
      "required": false,
      "description": "line",
      "schema": {
       "type": "string",
       "minLength": 1
      }
     },
     {
      "name": "online",
      "in": "query",
      "required": false,
      "description": "online status",
      "schema": {
       "type": "string",
       "enum": [
        "true",
        "false"
       ]
      }
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "description": "page size",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 1000
      }
     },
     {
      "name": "cursor",
      "in": "query",
      "required": false,
      "description": "next_cursor of the previous page",
      "schema": {
       "type": "string",
       "minLength": 1
      }
     }
    ]
   }
  },
  "/api/v1/devices/{id}": {
   "get": {
    "summary": "A device: registry entry, status, data completeness",
    "tags": [
     "devices"
    ],
    "operationId": "getDevice",
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/DeviceDetail"
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 200
      }
     }
    ]
   }
  },
  "/api/v1/devices/{id}/latest": {
   "get": {
    "summary": "Newest values (in-memory view)",
    "tags": [
     "devices"
    ],
    "operationId": "getLatest",
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Latest"
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 200
      }
     }
    ]
   }
  },
  "/api/v1/devices/{id}/history": {
   "get": {
    "summary": "Raw samples or rollups",
    "tags": [
     "devices"
    ],
    "operationId": "getHistory",
    "responses": {
     "200": {
      "description": "points",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/History"
        }
       },
       "text/csv": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 200
      }
     },
     {
      "name": "metric",
      "in": "query",
      "required": false,
      "description": "one metric (all when absent)",
      "schema": {
       "type": "string",
       "minLength": 1
      }
     },
     {
      "name": "from",
      "in": "query",
      "required": false,
      "description": "start (inclusive)",
      "schema": {
       "type": "string",
       "minLength": 1,
       "description": "ISO-8601 time or epoch milliseconds",
       "examples": [
        "2026-01-02T03:04:05Z",
        "1767323045000"
       ],
       "pattern": "^([0-9]{1,14}|[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([Tt ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,9})?)?([Zz]|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])?)?)$"
      }
     },
     {
      "name": "to",
      "in": "query",
      "required": false,
      "description": "end (exclusive)",
      "schema": {
       "type": "string",
       "minLength": 1,
       "description": "ISO-8601 time or epoch milliseconds",
       "examples": [
        "2026-01-02T03:04:05Z",
        "1767323045000"
       ],
       "pattern": "^([0-9]{1,14}|[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([Tt ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,9})?)?([Zz]|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])?)?)$"
      }
     },
     {
      "name": "resolution",
      "in": "query",
      "required": false,
      "description": "forced resolution",
      "schema": {
       "type": "string",
       "enum": [
        "raw",
        "1m",
        "1h"
       ]
      }
     },
     {
      "name": "format",
      "in": "query",
      "required": false,
      "description": "answer format",
      "schema": {
       "type": "string",
       "enum": [
        "json",
        "csv"
       ]
      }
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "description": "points per page",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 10000
      }
     },
     {
      "name": "cursor",
      "in": "query",
      "required": false,
      "description": "next_cursor of the previous page",
      "schema": {
       "type": "string",
       "minLength": 1
      }
     }
    ]
   }
  },
  "/api/v1/devices/{id}/commands": {
   "post": {
    "summary": "Send a command to the device (MQTT QoS 1) and wait for its ack",
    "tags": [
     "commands"
    ],
    "operationId": "sendCommand",
    "responses": {
     "200": {
      "description": "acknowledged by the device",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Command"
        }
       }
      }
     },
     "202": {
      "description": "sent; ack still pending",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Command"
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 200
      }
     },
     {
      "name": "wait_ms",
      "in": "query",
      "required": false,
      "description": "ack wait",
      "schema": {
       "type": "integer",
       "minimum": 0,
       "maximum": 30000
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "required": [
         "command"
        ],
        "additionalProperties": false,
        "properties": {
         "command": {
          "type": "string",
          "minLength": 1,
          "maxLength": 100
         },
         "params": {
          "type": "object"
         }
        }
       }
      }
     }
    }
   }
  },
  "/api/v1/commands/{id}": {
   "get": {
    "summary": "A command's audit record and outcome",
    "tags": [
     "commands"
    ],
    "operationId": "getCommand",
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Command"
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 200
      }
     }
    ]
   }
  },
  "/api/v1/alerts": {
   "get": {
    "summary": "Alarms, newest first",
    "tags": [
     "alerts"
    ],
    "operationId": "listAlerts",
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "items",
          "count",
          "next_cursor"
         ],
         "properties": {
          "items": {
           "type": "array",
           "items": {
            "$ref": "#/components/schemas/Alert"
           }
          },
          "count": {
           "type": "integer"
          },
          "next_cursor": {
           "type": [
            "string",
            "null"
           ]
          }
         }
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "parameters": [
     {
      "name": "state",
      "in": "query",
      "required": false,
      "description": "comma-separated ISA-18.2 states",
      "schema": {
       "type": "string",
       "pattern": "^(normal|active_unacknowledged|active_acknowledged|returned_unacknowledged|shelved|suppressed)(,(normal|active_unacknowledged|active_acknowledged|returned_unacknowledged|shelved|suppressed))*$"
      }
     },
     {
      "name": "severity",
      "in": "query",
      "required": false,
      "description": "severity",
      "schema": {
       "type": "string",
       "enum": [
        "info",
        "warning",
        "critical"
       ]
      }
     },
     {
      "name": "device",
      "in": "query",
      "required": false,
      "description": "device id",
      "schema": {
       "type": "string",
       "minLength": 1
      }
     },
     {
      "name": "active",
      "in": "query",
      "required": false,
      "description": "condition present",
      "schema": {
       "type": "string",
       "enum": [
        "true",
        "false"
       ]
      }
     },
     {
      "name": "from",
      "in": "query",
      "required": false,
      "description": "event time from",
      "schema": {
       "type": "string",
       "minLength": 1,
       "description": "ISO-8601 time or epoch milliseconds",
       "examples": [
        "2026-01-02T03:04:05Z",
        "1767323045000"
       ],
       "pattern": "^([0-9]{1,14}|[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([Tt ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,9})?)?([Zz]|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])?)?)$"
      }
     },
     {
      "name": "to",
      "in": "query",
      "required": false,
      "description": "event time to",
      "schema": {
       "type": "string",
       "minLength": 1,
       "description": "ISO-8601 time or epoch milliseconds",
       "examples": [
        "2026-01-02T03:04:05Z",
        "1767323045000"
       ],
       "pattern": "^([0-9]{1,14}|[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([Tt ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,9})?)?([Zz]|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])?)?)$"
      }
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "description": "page size",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 1000
      }
     },
     {
      "name": "cursor",
      "in": "query",
      "required": false,
      "description": "next_cursor of the previous page",
      "schema": {
       "type": "string",
       "minLength": 1
      }
     }
    ]
   }
  },
  "/api/v1/alerts/{id}": {
   "get": {
    "summary": "An alarm with its action history and transitions",
    "tags": [
     "alerts"
    ],
    "operationId": "getAlert",
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AlertDetail"
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 200
      }
     }
    ]
   }
  },
  "/api/v1/alerts/stream": {
   "get": {
    "summary": "Alarm transitions (Server-Sent Events, Last-Event-ID replay)",
    "tags": [
     "live"
    ],
    "operationId": "streamAlerts",
    "responses": {
     "200": {
      "description": "event stream",
      "content": {
       "text/event-stream": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "parameters": [
     {
      "name": "device",
      "in": "query",
      "required": false,
      "description": "comma-separated device ids",
      "schema": {
       "type": "string",
       "minLength": 1
      }
     },
     {
      "name": "last_event_id",
      "in": "query",
      "required": false,
      "description": "resume after this event id",
      "schema": {
       "type": "string",
       "minLength": 1
      }
     },
     {
      "name": "Last-Event-ID",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string"
      }
     }
    ]
   }
  },
  "/api/v1/alerts/ws": {
   "get": {
    "summary": "Alarm transitions over WebSocket (upgrade)",
    "tags": [
     "live"
    ],
    "operationId": "wsAlerts",
    "responses": {
     "200": {
      "description": "upgrade accepted"
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "parameters": [
     {
      "name": "device",
      "in": "query",
      "required": false,
      "description": "comma-separated device ids",
      "schema": {
       "type": "string",
       "minLength": 1
      }
     },
     {
      "name": "last_event_id",
      "in": "query",
      "required": false,
      "description": "resume after this event id",
      "schema": {
       "type": "string",
       "minLength": 1
      }
     }
    ]
   }
  },
  "/api/v1/telemetry/stream": {
   "get": {
    "summary": "Live values (Server-Sent Events)",
    "tags": [
     "live"
    ],
    "operationId": "streamTelemetry",
    "responses": {
     "200": {
      "description": "event stream",
      "content": {
       "text/event-stream": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "parameters": [
     {
      "name": "device",
      "in": "query",
      "required": false,
      "description": "comma-separated device ids",
      "schema": {
       "type": "string",
       "minLength": 1
      }
     }
    ]
   }
  },
  "/api/v1/telemetry/ws": {
   "get": {
    "summary": "Live values over WebSocket (upgrade)",
    "tags": [
     "live"
    ],
    "operationId": "wsTelemetry",
    "responses": {
     "200": {
      "description": "upgrade accepted"
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "parameters": [
     {
      "name": "device",
      "in": "query",
      "required": false,
      "description": "comma-separated device ids",
      "schema": {
       "type": "string",
       "minLength": 1
      }
     }
    ]
   }
  },
  "/api/v1/whoami": {
   "get": {
    "summary": "The caller: subject, role and the roles it includes",
    "tags": [
     "meta"
    ],
    "operationId": "whoami",
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "subject",
          "role",
          "method",
          "roles"
         ],
         "properties": {
          "subject": {
           "type": "string"
          },
          "role": {
           "type": "string",
           "enum": [
            "viewer",
            "operator",
            "admin"
           ]
          },
          "method": {
           "type": "string",
           "enum": [
            "token",
            "jwt"
           ]
          },
          "roles": {
           "type": "array",
           "items": {
            "type": "string"
           }
          }
         }
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/api/v1/analytics/latest": {
   "get": {
    "summary": "Newest plant KPIs per key",
    "tags": [
     "analytics"
    ],
    "operationId": "analyticsLatest",
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "items",
          "count"
         ],
         "properties": {
          "items": {
           "type": "array",
           "items": {
            "type": "object",
            "required": [
             "key",
             "received_at",
             "value"
            ],
            "properties": {
             "key": {
              "type": "string"
             },
             "received_at": {
              "type": "integer"
             },
             "value": {}
            }
           }
          },
          "count": {
           "type": "integer"
          }
         }
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "parameters": [
     {
      "name": "key",
      "in": "query",
      "required": false,
      "description": "one key",
      "schema": {
       "type": "string",
       "minLength": 1
      }
     }
    ]
   }
  },
  "/api/v1/deadletters": {
   "get": {
    "summary": "Recent rejects with their reasons",
    "tags": [
     "deadletters"
    ],
    "operationId": "listDeadLetters",
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "items",
          "count",
          "next_cursor"
         ],
         "properties": {
          "items": {
           "type": "array",
           "items": {
            "$ref": "#/components/schemas/DeadLetter"
           }
          },
          "count": {
           "type": "integer"
          },
          "next_cursor": {
           "type": [
            "string",
            "null"
           ]
          }
         }
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "parameters": [
     {
      "name": "since",
      "in": "query",
      "required": false,
      "description": "rejected at or after",
      "schema": {
       "type": "string",
       "minLength": 1,
       "description": "ISO-8601 time or epoch milliseconds",
       "examples": [
        "2026-01-02T03:04:05Z",
        "1767323045000"
       ],
       "pattern": "^([0-9]{1,14}|[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([Tt ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,9})?)?([Zz]|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])?)?)$"
      }
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "description": "page size",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 1000
      }
     },
     {
      "name": "cursor",
      "in": "query",
      "required": false,
      "description": "next_cursor of the previous page",
      "schema": {
       "type": "string",
       "minLength": 1
      }
     }
    ]
   }
  },
  "/api/devices/status": {
   "get": {
    "summary": "Seed 003: status of all devices",
    "tags": [
     "compatibility"
    ],
    "operationId": "compatStatus",
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "devices",
          "count"
         ],
         "properties": {
          "devices": {
           "type": "array",
           "items": {
            "type": "object",
            "required": [
             "device_id",
             "status",
             "online"
            ],
            "properties": {
             "device_id": {
              "type": "string"
             },
             "status": {
              "type": "string"
             },
             "online": {
              "type": "boolean"
             },
             "last_seen": {
              "type": [
               "string",
               "null"
              ]
             }
            }
           }
          },
          "count": {
           "type": "integer"
          }
         }
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/api/devices/{id}/latest": {
   "get": {
    "summary": "Seed 003: latest values, flat",
    "tags": [
     "compatibility"
    ],
    "operationId": "compatLatest",
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "device_id",
          "timestamp",
          "status"
         ],
         "properties": {
          "device_id": {
           "type": "string"
          },
          "timestamp": {
           "type": [
            "string",
            "null"
           ]
          },
          "status": {
           "type": "string"
          }
         }
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 200
      }
     }
    ]
   }
  },
  "/api/devices/{id}/history": {
   "get": {
    "summary": "Seed 003: history over a duration",
    "tags": [
     "compatibility"
    ],
    "operationId": "compatHistory",
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "device_id",
          "duration",
          "count",
          "data"
         ],
         "properties": {
          "device_id": {
           "type": "string"
          },
          "duration": {
           "type": "string"
          },
          "count": {
           "type": "integer"
          },
          "data": {
           "type": "array",
           "items": {
            "type": "object",
            "required": [
             "timestamp"
            ],
            "properties": {
             "timestamp": {
              "type": "string"
             }
            }
           }
          }
         }
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 200
      }
     },
     {
      "name": "duration",
      "in": "query",
      "required": false,
      "description": "e.g. 30s, 5m, 1h, 7d",
      "schema": {
       "type": "string",
       "pattern": "^[0-9]{1,6}[smhd]?$"
      }
     },
     {
      "name": "metric",
      "in": "query",
      "required": false,
      "description": "one metric",
      "schema": {
       "type": "string",
       "minLength": 1
      }
     }
    ]
   }
  },
  "/api/v1/alerts/{id}/ack": {
   "post": {
    "summary": "Acknowledge an alarm",
    "tags": [
     "alerts"
    ],
    "operationId": "ackAlert",
    "responses": {
     "200": {
      "description": "the alarm's new state",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AlertActionResult"
        }
       }
      }
     },
     "202": {
      "description": "written; new state not seen yet",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AlertActionPending"
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 200
      }
     }
    ],
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
         "comment": {
          "type": [
           "string",
           "null"
          ],
          "maxLength": 1000
         }
        }
       }
      }
     }
    }
   }
  },
  "/api/v1/alerts/{id}/shelve": {
   "post": {
    "summary": "Shelve an alarm for a duration or until a time",
    "tags": [
     "alerts"
    ],
    "operationId": "shelveAlert",
    "responses": {
     "200": {
      "description": "the alarm's new state",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AlertActionResult"
        }
       }
      }
     },
     "202": {
      "description": "written; new state not seen yet",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AlertActionPending"
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 200
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
         "comment": {
          "type": [
           "string",
           "null"
          ],
          "maxLength": 1000
         },
         "duration": {
          "type": "string",
          "examples": [
           "8h"
          ],
          "pattern": "^[0-9]{1,6}[smhd]?$"
         },
         "until": {
          "type": [
           "string",
           "integer"
          ]
         }
        }
       }
      }
     }
    }
   }
  },
  "/api/v1/alerts/{id}/unshelve": {
   "post": {
    "summary": "Unshelve an alarm",
    "tags": [
     "alerts"
    ],
    "operationId": "unshelveAlert",
    "responses": {
     "200": {
      "description": "the alarm's new state",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AlertActionResult"
        }
       }
      }
     },
     "202": {
      "description": "written; new state not seen yet",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AlertActionPending"
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 200
      }
     }
    ],
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
         "comment": {
          "type": [
           "string",
           "null"
          ],
          "maxLength": 1000
         }
        }
       }
      }
     }
    }
   }
  }
 }
}
"""#
}
