import json
import logging


class JsonFormatter(logging.Formatter):
    def format(self, record):
        line = {"level": record.levelname, "logger": record.name, "message": record.getMessage()}
        if hasattr(record, "request_id"):
            line["request_id"] = record.request_id
        return json.dumps(line)
