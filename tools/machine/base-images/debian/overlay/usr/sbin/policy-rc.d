#!/bin/sh
# No service starts inside an image build (as in the official debian images).
exit 101
