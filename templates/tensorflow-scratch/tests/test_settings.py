"""Serving settings: the payload limit for asynchronous endpoints and batch transform's product."""

import os
import unittest
from unittest import mock

from algorithm import settings


def env(**values):
    return mock.patch.dict(os.environ, {k: str(v) for k, v in values.items()})


class PayloadTest(unittest.TestCase):
    def test_up_to_1024_mb_for_asynchronous_endpoints(self):
        with env(SAGEMAKER_MAX_PAYLOAD_IN_MB=1024):
            self.assertEqual(settings.max_payload_bytes(), 1024 * 2**20)
        with env(SAGEMAKER_MAX_PAYLOAD_IN_MB=1025), self.assertRaisesRegex(settings.SettingError, r"1\.\.1024"):
            settings.max_payload_mb()

    def test_batch_transform_is_offered_at_most_100_mb_in_all(self):
        for payload in (1, 6, 7, 100, 101, 1024):
            for concurrent in ("", "3", "1000"):
                with env(SAGEMAKER_MAX_PAYLOAD_IN_MB=payload, SAGEMAKER_MAX_CONCURRENT_TRANSFORMS=concurrent):
                    params = settings.execution_parameters()
                context = (payload, concurrent, params)
                self.assertEqual(params["MaxPayloadInMB"], min(payload, 100), context)
                self.assertLessEqual(params["MaxConcurrentTransforms"] * params["MaxPayloadInMB"], 100, context)
                self.assertGreaterEqual(params["MaxConcurrentTransforms"], 1, context)


if __name__ == "__main__":
    unittest.main()
