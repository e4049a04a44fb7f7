/* tapisrv: the opentapi telephony service (docs/service.md). */
#include "server.h"

int main(int argc, char **argv) { return ot_server_main(argc, argv); }
