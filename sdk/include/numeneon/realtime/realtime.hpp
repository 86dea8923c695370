// Umbrella header for the numeneon-realtime core.
#pragma once

#include "numeneon/realtime/backoff.hpp"
#include "numeneon/realtime/close_policy.hpp"
#include "numeneon/realtime/codes.hpp"
#include "numeneon/realtime/config.hpp"
#include "numeneon/realtime/dedupe.hpp"
#include "numeneon/realtime/event_key.hpp"
#include "numeneon/realtime/frame_scan.hpp"
#include "numeneon/realtime/heartbeat.hpp"
#include "numeneon/realtime/manager.hpp"
#include "numeneon/realtime/outbox.hpp"
#include "numeneon/realtime/router.hpp"
#include "numeneon/realtime/stats.hpp"
#include "numeneon/realtime/typing.hpp"
