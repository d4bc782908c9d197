"""Running scenarios: the pytest plugin, the deployment each scenario gets, the step runner, the
expectations of a request step, and the recorder that files everything into the Allure results."""
