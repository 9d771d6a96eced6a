"""A batch transform job through SageMaker SDK local mode (sagemaker<3): the reference that
tools/nx-plugin/src/local-run.e2e.test.ts compares `nx run <template>:transform` with. Local mode
only stops its serving container; the test removes it (compose labels it with CONTAINER_ROOT).

Usage: python sdk_local_transform.py IMAGE MODEL_TAR_GZ INPUT_DIR OUTPUT_DIR CONTAINER_ROOT
       CONTENT_TYPE ACCEPT SPLIT_TYPE STRATEGY ASSEMBLE_WITH
"""

import os
import sys

from sagemaker.local import LocalSession
from sagemaker.model import Model


def transform(image, model_tar, input_dir, output_dir, container_root, content_type, accept, split_type, strategy, assemble_with):
    session = LocalSession()
    session.config = {"local": {"local_code": True, "container_root": container_root}}
    model = Model(
        image_uri=image,
        model_data=f"file://{model_tar}",
        # Local mode never assumes the role; the SDK only wants one.
        role="arn:aws:iam::111111111111:role/sagemaker-templates-local",
        sagemaker_session=session,
    )
    transformer = model.transformer(
        instance_count=1,
        instance_type="local",
        strategy=strategy,
        assemble_with=assemble_with,
        output_path=f"file://{output_dir}",
        accept=accept,
    )
    # Local mode runs the whole job inside transform(); waiting with logs would ask CloudWatch.
    transformer.transform(
        f"file://{input_dir}", content_type=content_type, split_type=split_type, wait=False
    )


if __name__ == "__main__":
    os.makedirs(sys.argv[5], exist_ok=True)
    transform(*sys.argv[1:11])
