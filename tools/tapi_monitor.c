/* tapi monitor: placeholder until written below. */
#include "tapi_tool.h"
int tapi_cmd_monitor(int argc, char **argv) { (void)argc; (void)argv; return 2; }
