// Module Rules
