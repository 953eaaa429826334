FROM ubuntu
MAINTAINER Jane <jane@example.com>
RUN apt-get update && apt-get install curl
RUN apt install -y git
RUN cd /tmp && sudo make
ADD app.py /app/app.py
EXPOSE 80000
RUN wget -qO- https://example.com/install.sh | bash
CMD python app.py
CMD ["python", "app.py"]
ENTRYPOINT ["a"]
ENTRYPOINT ["b"]
USER root

FROM python:latest AS build
RUN pip install flask
COPY --from=build /x /y

FROM alpine:3.20 AS build
RUN apk add curl
HEALTHCHECK CMD true
HEALTHCHECK CMD false
