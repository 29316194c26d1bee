// Module Curl
