/* tapi server: the telephony service in the foreground, as tapisrv. */
#include "server.h"
#include "tapi_tool.h"

int tapi_cmd_server(int argc, char **argv) { return ot_server_main(argc, argv); }
